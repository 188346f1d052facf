import ArgumentParser
import Foundation
import FrameIngest
import Hummingbird
import Logging
import Pipeline
import ReviewWeb
import ServiceLifecycle

/// `streetwatch run <group.yaml>`: every camera of the group analysed concurrently under one lifecycle,
/// plus `/metrics` and `/health` on the configured loopback address. SIGTERM or SIGINT stops all cleanly.
struct RunGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a camera group: analyse every camera live, store draft cases, serve /metrics and /health.")

    @Argument(help: "The camera-group config (YAML).")
    var config: String

    @Option(help: "Override the config's listen address for /metrics and /health (host:port).")
    var listen: String?

    func run() async throws {
        let group = try loadGroup(config)
        var logger = Logger(label: "streetwatch")
        logger[metadataKey: "group"] = "\(group.group.id)"
        let opened = try openStore(group)
        let metrics = GroupMetrics(group: group.group.id, cameras: group.cameras.map {
            ($0.id, $0.analysisFPS ?? group.defaults.analysisFPS)
        })
        let (host, port) = try listen.map(parseListenAddress) ?? (group.server.host, group.server.port)
        let postgres = opened.postgres != nil
        try await opened.runServices(logger: logger) { [logger] store in
            // Before any camera starts: a camera another process runs is refused, not analysed twice. Before the
            // group is recorded too, so a refused start leaves the camera listed under the group that runs it.
            try await store.claimCameras(group.cameras.map(\.id), group: group.group.id)
            if postgres { try await store.register(group) }
            // The review UI shares the server: /metrics and /health stay open, everything else needs a login.
            let router = ReviewApp(store: store, secureCookies: group.server.secureCookies || !ReviewApp.isLoopback(host))
                .router(publicPaths: ["/metrics", "/health"])
            Self.addRoutes(to: router, metrics: metrics)
            let limits = ServerLimits()
            let web = Application(router: router, server: limits.server,
                                  configuration: limits.configuration(address: .hostname(host, port: port), serverName: "streetwatch"),
                                  logger: logger)
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: web)]
            let openLimiter = OpenLimiter(limit: group.liveSource.openConcurrency)
            for camera in group.cameras {
                let worker = CameraWorker(group: group, camera: camera, store: store, logger: logger)
                let supervisor = CameraSupervisor(worker: worker, metrics: metrics, openLimiter: openLimiter)
                services.append(.init(service: CameraService(supervisor: supervisor)))
                logger.info("camera \(camera.id): \(camera.displayURL)")
            }
            logger.info("serving /metrics and /health on http://\(host):\(port)")
            return services
        }
    }

    /// `/metrics` in the Prometheus text format; `/health` answers 200 with each camera's state.
    static func addRoutes<Context: RequestContext>(to router: Router<Context>, metrics: GroupMetrics) {
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        router.get("health") { _, _ in
            let lines = metrics.states().map { "\($0.camera) \($0.state.rawValue)" }
            return "ok\n" + lines.joined(separator: "\n") + "\n"
        }
    }
}

/// One camera as a service of the group's lifecycle.
struct CameraService: Service {
    let supervisor: CameraSupervisor<ContinuousClock>

    func run() async throws {
        // A graceful shutdown cancels the analysis; the source's reading thread stops inside FFmpeg.
        await cancelWhenGracefulShutdown {
            await supervisor.run()
        }
    }
}
