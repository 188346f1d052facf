import ArgumentParser

/// The `streetwatch` command: the composition root of the project.
@main
struct StreetWatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streetwatch",
        abstract: "Video auto-recognition for city-management camera networks.",
        subcommands: [Probe.self, Decode.self, Detect.self, Check.self, Scan.self, Evaluate.self, RunGroup.self, Cases.self, Export.self,
                      UserCommand.self, ReviewCommand.self, ReportCommand.self, Serve.self, Push.self,
                      StoreBench.self]
    )
}
