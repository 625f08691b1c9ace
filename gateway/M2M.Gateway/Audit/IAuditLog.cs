namespace M2M.Gateway.Audit;

/// <summary>One audited event: an admin action or a refused token request.</summary>
/// <param name="Action">A stable action name ("device.add", "device.disable", "token.refused"...).</param>
/// <param name="Actor">Who: the API key's id (never the key), or "device:{id}" / the remote address for token requests.</param>
/// <param name="DeviceId">The device concerned, if any.</param>
/// <param name="Outcome">"ok" or the stable reason code (an OAuth error, "not_found"...).</param>
/// <param name="RemoteAddress">The client address, if known.</param>
/// <param name="Target">What else the action concerned, if anything (a relay sink's name, an API key's id); written only when set.</param>
/// <param name="Tenant">
/// The tenant the action concerned (the device's, the key's, or the acting principal's scope for a
/// list); written only when set. A tenant-scoped reader of the log sees only its tenant's lines.
/// </param>
public sealed record AuditEvent(string Action, string Actor, string? DeviceId, string Outcome, string? RemoteAddress, string? Target = null, string? Tenant = null);

/// <summary>
/// The audit log: append-only, one JSON line per event with the gateway time, in the data folder
/// (<c>audit.jsonl</c>), or in Cluster mode one table shared by every node (<see cref="PostgresAuditLog"/>).
/// Never carries a secret, a token or a key.
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends an event; never throws for an I/O failure (it is logged instead).</summary>
    void Record(AuditEvent auditEvent);
}
