using M2M.Gateway.Access;
using M2M.Gateway.Audit;
using M2M.Gateway.Journal;
using M2M.Gateway.Relay;

namespace M2M.Gateway.Admin;

/// <summary>
/// The relay's sinks in the admin API (docs/admin-api.md, "Sinks"): their state and position, their
/// dead letters, and redelivery of dead letters by an operator. Each action is audited with the
/// sink as target.
/// </summary>
internal static class AdminSinkEndpoints
{
    /// <summary>Largest redelivery body: ids of up to a few thousand letters.</summary>
    private const long MaxBodyBytes = 64 * 1024;

    /// <summary>Largest page of dead letters.</summary>
    private const int MaxPage = 1000;

    public static void Map(RouteGroupBuilder sinks)
    {
        sinks.MapGet("/", List)
            .Produces<IReadOnlyList<SinkResponse>>()
            .RequireAccess(AccessAction.ReadSinks, "sinks.list")
            .WithName("ListSinks").WithSummary("Lists the enabled sinks with their state, position, lag and dead letters.");
        sinks.MapGet("/{sink}/dead-letters", ListDeadLetters)
            .Produces<DeadLetterPage>()
            .RequireAccess(AccessAction.ReadSinks, "sinks.dead-letters")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("ListDeadLetters").WithSummary("Lists a sink's dead letters, oldest first, a page at a time (after, limit).");
        sinks.MapPost("/{sink}/dead-letters/redeliver", RedeliverAsync)
            .Produces<RedeliverResponse>(StatusCodes.Status202Accepted)
            .RequireAccess(AdminOperations.RedeliverDeadLetters)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("RedeliverDeadLetters").WithSummary("Queues a sink's dead letters (all, or the ids in the body) for redelivery; the sink delivers them next.");
    }

    private static IResult List(HttpContext context, IServiceProvider services, IAuditLog audit)
    {
        var status = services.GetService<RelayStatus>();
        Audit(audit, context, "sink.list", null, "ok");
        return Results.Ok(status == null ? [] : status.Report().Select(SinkResponse.From).ToList());
    }

    private static IResult ListDeadLetters(string sink, long? after, int? limit, HttpContext context, IServiceProvider services, IAuditLog audit)
    {
        if (Find(services, sink) == null)
        {
            Audit(audit, context, "sink.dead-letters", null, AdminProblems.SinkNotFound);
            return SinkNotFound(sink);
        }

        var journal = services.GetRequiredService<IDeadLetterStore>();
        var size = Math.Clamp(limit ?? 100, 1, MaxPage);
        var letters = journal.ReadDeadLetters(sink, after ?? 0, size + 1);
        var page = letters.Take(size).Select(DeadLetterResponse.From).ToList();
        Audit(audit, context, "sink.dead-letters", sink, "ok");
        return Results.Ok(new DeadLetterPage(sink, journal.CountDeadLetters(sink), page, letters.Count > size ? page[^1].Id : null));
    }

    private static async Task<IResult> RedeliverAsync(string sink, HttpContext context, IServiceProvider services, IAuditLog audit) =>
        Redeliver(sink, await ReadIdsAsync(context.Request).ConfigureAwait(false), context, services, audit);

    /// <summary>Queues the dead letters <paramref name="body"/> names (all when it names none) for the request's principal; the console runs it too.</summary>
    internal static IResult Redeliver(string sink, (IReadOnlyList<long>? Ids, string? Problem) body, HttpContext context, IServiceProvider services, IAuditLog audit)
    {
        var status = Find(services, sink);
        if (status == null)
        {
            Audit(audit, context, "sink.redeliver", null, AdminProblems.SinkNotFound);
            return SinkNotFound(sink);
        }

        var (ids, problem) = body;
        if (problem != null)
        {
            Audit(audit, context, "sink.redeliver", sink, AdminProblems.InvalidBody);
            return AdminProblems.Problem(StatusCodes.Status400BadRequest, AdminProblems.InvalidBody, "Invalid redelivery request", problem);
        }

        var queued = services.GetRequiredService<IDeadLetterStore>().QueueRedelivery(sink, ids);
        var notFound = ids == null ? [] : ids.Except(queued).Order().ToList();
        if (ids != null && queued.Count == 0)
        {
            Audit(audit, context, "sink.redeliver", sink, AdminProblems.DeadLetterNotFound);
            return AdminProblems.Problem(StatusCodes.Status404NotFound, AdminProblems.DeadLetterNotFound, "Dead letters not found",
                $"None of the ids is a dead letter of sink '{sink}'.");
        }

        status.RequestRedelivery();
        Audit(audit, context, "sink.redeliver", sink, "ok");
        return Results.Accepted($"/admin/v1/sinks/{sink}/dead-letters", new RedeliverResponse(sink, queued, notFound));
    }

    private static SinkStatus? Find(IServiceProvider services, string sink) => services.GetService<RelayStatus>()?.Find(sink);

    private static IResult SinkNotFound(string sink) =>
        AdminProblems.Problem(StatusCodes.Status404NotFound, AdminProblems.SinkNotFound, "Sink not found", $"No sink '{sink}' is enabled.");

    // No body (or an empty one) means every dead letter of the sink.
    internal static async Task<(IReadOnlyList<long>? Ids, string? Problem)> ReadIdsAsync(HttpRequest request)
    {
        if (AdminBodies.IsEmpty(request))
        {
            return (null, null);
        }

        var (body, invalid) = await AdminBodies.ReadAsync<RedeliverRequest>(request, MaxBodyBytes, "{\"ids\":[...]}").ConfigureAwait(false);
        return body?.Ids is { Count: > 0 } ids
            ? (ids.Distinct().ToList(), null)
            : (null, invalid ?? "The body is {\"ids\":[...]} with at least one dead letter id; send no body to redeliver every dead letter.");
    }

    private static void Audit(IAuditLog audit, HttpContext context, string action, string? sink, string outcome) =>
        audit.Record(new AuditEvent(action, AuthenticateRequest.Actor(context), null, outcome, context.Connection.RemoteIpAddress?.ToString(), sink));
}
