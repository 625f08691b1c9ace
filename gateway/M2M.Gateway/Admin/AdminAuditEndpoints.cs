using M2M.Gateway.Access;
using M2M.Gateway.Audit;

namespace M2M.Gateway.Admin;

/// <summary>A page of the audit log.</summary>
/// <param name="Lines">The lines, oldest first, each with its <c>position</c>.</param>
/// <param name="Next">The <c>after</c> of the next page, or null on the last one.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Lines, long? Next);

/// <summary>
/// The audit log in the admin API (docs/admin-api.md, "Audit log"): a tenant-scoped reader sees only
/// the lines of its tenant (those whose <c>tenant</c> is its own); a global one sees every line.
/// </summary>
internal static class AdminAuditEndpoints
{
    private const int MaxPage = 1000;

    public static void Map(RouteGroupBuilder audit)
    {
        audit.MapGet("/", ReadAsync)
            .Produces<AuditPage>()
            .RequireAccess(AccessAction.ReadAudit, "audit.read")
            .WithName("ReadAudit").WithSummary("Reads the audit log, oldest first, a page at a time (after, limit).");
    }

    private static async Task<IResult> ReadAsync(long? after, int? limit, HttpContext context, AuditLogReader reader, IAuditLog audit)
    {
        var principal = AuthenticateRequest.Principal(context);
        var (entries, more) = await reader.ReadAsync(after ?? 0, Math.Clamp(limit ?? 100, 1, MaxPage), AuditLogReader.VisibleTo(principal), context.RequestAborted).ConfigureAwait(false);

        // Recorded after the read, so a page never shows its own reading.
        audit.Record(new AuditEvent("audit.read", principal.Id, null, "ok", context.Connection.RemoteIpAddress?.ToString(), Tenant: principal.Tenant));
        return Results.Ok(new AuditPage(entries, more ? entries[^1].Position : null));
    }
}
