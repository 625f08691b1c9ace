using System.Text.Json;
using M2M.Gateway.Access;
using M2M.Gateway.Audit;
using M2M.Gateway.Relay.Http;

namespace M2M.Gateway.Admin;

/// <summary>
/// The secrets HTTP sinks authenticate with (docs/admin-api.md, "Sink credentials"): set, list and
/// delete; values are stored encrypted under the master key (<see cref="SinkCredentialStore"/>) and
/// never returned, logged or audited. Each action is audited with the credential's name as target.
/// </summary>
internal static class AdminSinkCredentialEndpoints
{
    public static void Map(RouteGroupBuilder sinks)
    {
        sinks.MapGet("/credentials", ListAsync)
            .Produces<IReadOnlyList<SinkCredentialResponse>>()
            .RequireAccess(AccessAction.ReadSinks, "sink-credentials.list")
            .WithName("ListSinkCredentials").WithSummary("Lists the stored sink credentials: names and when each was set, never a value.");
        sinks.MapPut("/credentials/{name}", SetAsync)
            .Produces<SinkCredentialResponse>()
            .RequireAccess(AccessAction.ManageSinks, "sink-credentials.set")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithName("SetSinkCredential").WithSummary("Stores (or replaces) a sink credential's value, encrypted; the sinks that name it use it at their next attempt.");
        sinks.MapDelete("/credentials/{name}", DeleteAsync)
            .Produces(StatusCodes.Status204NoContent)
            .RequireAccess(AccessAction.ManageSinks, "sink-credentials.delete")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("DeleteSinkCredential").WithSummary("Deletes a sink credential.");
    }

    private static async Task<IResult> ListAsync(HttpContext context, SinkCredentialStore store, IAuditLog audit)
    {
        Audit(audit, context, "sink.credential.list", null, "ok");
        var stored = await store.ListAsync(context.RequestAborted).ConfigureAwait(false);
        return Results.Ok(stored.Select(c => new SinkCredentialResponse(c.Name, c.Updated)).ToList());
    }

    private static async Task<IResult> SetAsync(string name, HttpContext context, SinkCredentialStore store, IAuditLog audit)
    {
        if (!SinkCredentialStore.IsValidName(name))
        {
            Audit(audit, context, "sink.credential.set", null, AdminProblems.InvalidCredentialName);
            return AdminProblems.Problem(StatusCodes.Status400BadRequest, AdminProblems.InvalidCredentialName, "Invalid credential name",
                "A credential name is 1 to 64 of a-z A-Z 0-9 . _ -");
        }

        var request = context.Request;
        string? problem = null;
        SetSinkCredentialRequest? body = null;
        if (!request.HasJsonContentType())
        {
            problem = "The body must be JSON (Content-Type: application/json): {\"value\":\"...\"}.";
        }
        else if (request.ContentLength > SinkCredentialStore.MaxValueBytes * 2)
        {
            problem = $"The body is larger than {SinkCredentialStore.MaxValueBytes * 2} bytes.";
        }
        else
        {
            try
            {
                body = await request.ReadFromJsonAsync<SetSinkCredentialRequest>(context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                problem = "The body is not a JSON object {\"value\":\"...\"}.";
            }
        }

        if (problem == null && (string.IsNullOrEmpty(body?.Value) || System.Text.Encoding.UTF8.GetByteCount(body.Value) > SinkCredentialStore.MaxValueBytes))
        {
            problem = $"The body is {{\"value\":\"...\"}} with a value of 1 to {SinkCredentialStore.MaxValueBytes} bytes.";
        }

        if (problem != null)
        {
            Audit(audit, context, "sink.credential.set", name, AdminProblems.InvalidBody);
            return AdminProblems.Problem(StatusCodes.Status400BadRequest, AdminProblems.InvalidBody, "Invalid credential", problem);
        }

        var updated = await store.SetAsync(name, body!.Value!, context.RequestAborted).ConfigureAwait(false);
        Audit(audit, context, "sink.credential.set", name, "ok");
        return Results.Ok(new SinkCredentialResponse(name, updated));
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext context, SinkCredentialStore store, IAuditLog audit)
    {
        if (!await store.DeleteAsync(name, context.RequestAborted).ConfigureAwait(false))
        {
            Audit(audit, context, "sink.credential.delete", null, AdminProblems.CredentialNotFound);
            return AdminProblems.Problem(StatusCodes.Status404NotFound, AdminProblems.CredentialNotFound, "Credential not found", $"No sink credential '{name}' is stored.");
        }

        Audit(audit, context, "sink.credential.delete", name, "ok");
        return Results.NoContent();
    }

    private static void Audit(IAuditLog audit, HttpContext context, string action, string? name, string outcome) =>
        audit.Record(new AuditEvent(action, AuthenticateRequest.Actor(context), null, outcome, context.Connection.RemoteIpAddress?.ToString(), name));
}

/// <summary>The body of <c>PUT /admin/v1/sinks/credentials/{name}</c>.</summary>
/// <param name="Value">The secret: a token, a password, a client secret or a PEM private key.</param>
public sealed record SetSinkCredentialRequest(string? Value);

/// <summary>A stored sink credential, without its value.</summary>
/// <param name="Name">Its name, as sink configuration names it (<c>Auth:Credential</c>).</param>
/// <param name="Updated">When its value was last set.</param>
public sealed record SinkCredentialResponse(string Name, DateTimeOffset Updated);
