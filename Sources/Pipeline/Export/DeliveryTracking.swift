public import Foundation

/// What `push` remembers of its deliveries, so that a later push sends only what is new and reports (once) the
/// confirmations that were taken back after delivery.
public protocol DeliveryTracking: CaseReading {
    /// Notes that the webhook took `draft` with its current verdict.
    func recordDelivery(of draft: DraftCase, at now: Date) async throws

    /// The numbers of the confirmed cases whose current verdict the webhook already took.
    func alreadyDelivered() async throws -> Set<String>

    /// Delivered confirmations whose case is no longer confirmed and that no push has reported yet; they are
    /// marked reported in the same transaction, so each is handed out once.
    func takeWithdrawnVerdicts(at now: Date) async throws -> [WithdrawnVerdict]
}

extension DeliveryTracking {
    /// Notes that the webhook took `draft` now.
    public func recordDelivery(of draft: DraftCase) async throws { try await recordDelivery(of: draft, at: Date()) }

    /// Takes the withdrawn confirmations not reported yet, marking them reported now.
    public func takeWithdrawnVerdicts() async throws -> [WithdrawnVerdict] { try await takeWithdrawnVerdicts(at: Date()) }
}
