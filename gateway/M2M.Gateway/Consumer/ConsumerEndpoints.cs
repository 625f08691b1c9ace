using System.Globalization;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Access;
using M2M.Gateway.Admin;
using M2M.Gateway.Audit;
using M2M.Gateway.Registry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace M2M.Gateway.Consumer;

/// <summary>A page of the consumer API: a tenant's records, oldest first.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Records">The records: the relay's CloudEvents, signed as one batch.</param>
/// <param name="Next">The <c>after</c> of the next page: every journal position up to it was considered.</param>
/// <param name="More">True when the page is full: read on at once; false when the journal held no more for now.</param>
public sealed record RecordPage(string Tenant, IReadOnlyList<JsonElement> Records, long Next, bool More);

/// <summary>
/// The consumer API for backend services (docs/admin-api.md, "Consumer API"): a tenant's relayed
/// records, paged by journal position and time, and followed live as Server-Sent Events (resumable
/// with <c>Last-Event-ID</c>, the journal position). Authenticated like the admin API; the action is
/// <see cref="AccessAction.ReadTelemetry"/> on the tenant of the path.
/// </summary>
public static class ConsumerEndpoints
{
    /// <summary>Largest page.</summary>
    public const int MaxPage = 1000;

    /// <summary>How long a quiet stream waits before it sends a comment line (and checks its credential again).</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>Adds what the consumer API needs (the admin API's access gate included).</summary>
    public static IServiceCollection AddConsumerApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAdminApi(configuration);
        services.TryAddSingleton<TenantRecords>();
        return services;
    }

    /// <summary>Maps <c>/consumer/v1/tenants/{tenant}/records</c> and its <c>/stream</c>.</summary>
    public static IEndpointRouteBuilder MapConsumerApi(this IEndpointRouteBuilder endpoints)
    {
        var records = AdminApiExtensions.Group(endpoints, "/consumer/v1/tenants/{tenant}/records", "Consumer");
        records.MapGet("/", ReadAsync)
            .Produces<RecordPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireAccess(AccessAction.ReadTelemetry, "telemetry.read")
            .WithName("ReadRecords").WithSummary("Reads a tenant's relayed records after a journal position and/or from a time, oldest first, as signed CloudEvents.");
        records.MapGet("/stream", StreamAsync)
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireAccess(AccessAction.ReadTelemetry, "telemetry.stream")
            .WithName("StreamRecords").WithSummary("Follows a tenant's relayed records live as Server-Sent Events; resumable with Last-Event-ID (the journal position).");
        return endpoints;
    }

    private static IResult ReadAsync(string tenant, long? after, DateTimeOffset? since, DateTimeOffset? until, int? limit, HttpContext context, TenantRecords records, AccessPolicy policy, IAuditLog audit)
    {
        if (Refuse(tenant, after, context, policy, audit, "telemetry.read") is { } refused)
        {
            return refused;
        }

        var page = records.Read(tenant, after ?? 0, since, until, Math.Clamp(limit ?? 100, 1, MaxPage));
        Audit(audit, context, "telemetry.read", tenant, "ok");
        return Results.Ok(new RecordPage(tenant, [.. page.Records.Select(TenantRecords.Element)], page.ScannedTo, page.Records.Count == Math.Clamp(limit ?? 100, 1, MaxPage)));
    }

    // Server-Sent Events (HTML Living Standard, section 9.2): one event per record, "id" its journal
    // position, so a client that reconnects sends Last-Event-ID and resumes after it; a comment line
    // every Heartbeat keeps proxies from closing a quiet stream. Written by hand rather than with
    // TypedResults.ServerSentEvents, which has no comment lines.
    private static async Task StreamAsync(string tenant, long? after, DateTimeOffset? since, HttpContext context, TenantRecords records, AccessPolicy policy, IAuditLog audit)
    {
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        long? resume = long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        if (lastEventId.Length > 0 && resume == null)
        {
            await AdminProblems.Problem(StatusCodes.Status400BadRequest, AdminProblems.InvalidPage, "Invalid Last-Event-ID", "Last-Event-ID is a journal position (a whole number).").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var position = resume ?? after ?? 0;
        if (Refuse(tenant, position, context, policy, audit, "telemetry.stream") is { } refused)
        {
            await refused.ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        Audit(audit, context, "telemetry.stream", tenant, "ok");
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        var journal = context.RequestServices.GetRequiredService<Journal.IJournalReader>();
        var cancellation = context.RequestAborted;
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                // The time bound applies until the first record; then positions alone move on.
                var page = records.Read(tenant, position, resume == null ? since : null, null, MaxPage);
                foreach (var record in page.Records)
                {
                    await WriteEventAsync(response, record, cancellation).ConfigureAwait(false);
                    resume = record.Position;
                }

                position = page.ScannedTo;
                if (page.Records.Count > 0)
                {
                    await response.Body.FlushAsync(cancellation).ConfigureAwait(false);
                    continue;
                }

                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                quiet.CancelAfter(Heartbeat);
                try
                {
                    await journal.WaitForRecordsAfterAsync(position, quiet.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    // Quiet for a heartbeat: a revoked, expired or rotated credential ends the stream here.
                    if (!await AuthenticateRequest.StillValidAsync(context).ConfigureAwait(false))
                    {
                        await response.WriteAsync("event: end\ndata: credential no longer valid\n\n", cancellation).ConfigureAwait(false);
                        return;
                    }

                    await response.WriteAsync(": keep-alive\n\n", cancellation).ConfigureAwait(false);
                    await response.Body.FlushAsync(cancellation).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, Relay.RelayEvent record, CancellationToken cancellationToken)
    {
        // The event's JSON holds no line break (Utf8JsonWriter without indentation), so it is one data line.
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"id: {record.Position}\nevent: record\ndata: "));
        await response.Body.WriteAsync(head, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync(record.Json, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync("\n\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    private static IResult? Refuse(string tenant, long? after, HttpContext context, AccessPolicy policy, IAuditLog audit, string action)
    {
        if (!DeviceNames.IsValidTenant(tenant) || after < 0)
        {
            Audit(audit, context, action, null, AdminProblems.InvalidPage);
            return AdminProblems.Problem(StatusCodes.Status400BadRequest, AdminProblems.InvalidPage, "Invalid request",
                "The tenant is 1 to 64 of a-z, A-Z, 0-9, '.', '_', '-'; after is a journal position (0 or more).");
        }

        var decision = policy.Decide(AuthenticateRequest.Principal(context), AccessAction.ReadTelemetry, tenant);
        if (decision.IsAllowed)
        {
            return null;
        }

        Audit(audit, context, action, tenant, decision.Reason);
        return AccessProblems.Forbidden(decision.Reason);
    }

    private static void Audit(IAuditLog audit, HttpContext context, string action, string? tenant, string outcome) =>
        audit.Record(new AuditEvent(action, AuthenticateRequest.Actor(context), null, outcome, context.Connection.RemoteIpAddress?.ToString(), Tenant: tenant));
}
