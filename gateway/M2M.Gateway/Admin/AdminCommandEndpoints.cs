using System.Text.Json;
using System.Text.RegularExpressions;
using M2M.Gateway.Access;
using M2M.Gateway.Audit;
using M2M.Gateway.Commands;
using M2M.Gateway.Registry;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Admin;

/// <summary>
/// Cloud-to-device commands in the admin API (docs/admin-api.md, "Commands"): queue one, list a
/// device's, show one. Each is audited like the device actions.
/// </summary>
internal static partial class AdminCommandEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;
    private const int ListLimit = 100;

    public static void Map(RouteGroupBuilder devices)
    {
        devices.MapPost("/{id}/commands", QueueAsync)
            .Produces<CommandResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAccess(AdminOperations.QueueCommand)
            .WithName("QueueCommand").WithSummary("Queues a signed command for a device; it is delivered when the device is connected.");
        devices.MapGet("/{id}/commands", ListAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAccess(AccessAction.ReadDevices, "commands.list")
            .WithName("ListCommands").WithSummary("Lists the device's newest commands (up to 100), newest first.");
        devices.MapGet("/{id}/commands/{sequence:long}", ShowAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAccess(AccessAction.ReadDevices, "commands.show")
            .WithName("ShowCommand").WithSummary("Shows one command and the device's answer.");
    }

    private static async Task<IResult> QueueAsync(string id, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, CommandService commands, IOptions<CommandOptions> options, IAuditLog audit) =>
        await QueueCommandAsync(id, await ReadBodyAsync(context.Request).ConfigureAwait(false), context, registry, policy, commands, options.Value, audit).ConfigureAwait(false);

    /// <summary>
    /// Queues the command <paramref name="body"/> (or answers the body's <c>invalid_body</c> problem)
    /// for the request's principal: the one code of <c>POST /admin/v1/devices/{id}/commands</c>, which
    /// the console runs too.
    /// </summary>
    internal static async Task<IResult> QueueCommandAsync(string id, (QueueCommandRequest? Body, (string Code, string Detail)? Problem) body, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, CommandService commands, CommandOptions options, IAuditLog audit)
    {
        var device = await AdminDeviceEndpoints.FindAsync(id, AccessAction.ManageDevices, registry, context, policy).ConfigureAwait(false);
        if (device == null)
        {
            AdminDeviceEndpoints.Audit(audit, context, "command.queue", id, null, AdminProblems.DeviceNotFound);
            return AdminProblems.NotFound(id);
        }

        var (request, arguments, ttl, problem) = body.Problem is { } invalid ? (body.Body, null, default, invalid) : Check(body.Body, id, options);
        if (problem != null)
        {
            AdminDeviceEndpoints.Audit(audit, context, "command.queue", id, device.Tenant, problem.Value.Code);
            return AdminProblems.Problem(StatusCodes.Status400BadRequest, problem.Value.Code, "Invalid command", problem.Value.Detail);
        }

        var entry = await commands.QueueAsync(id, request!.Name!, arguments!, ttl, context.RequestAborted).ConfigureAwait(false);
        AdminDeviceEndpoints.Audit(audit, context, "command.queue", id, device.Tenant, "ok");
        return Results.Created($"/admin/v1/devices/{id}/commands/{entry.Sequence}", CommandResponse.From(entry));
    }

    private static async Task<IResult> ListAsync(string id, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, CommandStore store, IAuditLog audit)
    {
        var device = await AdminDeviceEndpoints.FindAsync(id, AccessAction.ReadDevices, registry, context, policy).ConfigureAwait(false);
        if (device == null)
        {
            AdminDeviceEndpoints.Audit(audit, context, "command.list", id, null, AdminProblems.DeviceNotFound);
            return AdminProblems.NotFound(id);
        }

        var entries = await store.ListAsync(id, ListLimit, context.RequestAborted).ConfigureAwait(false);
        AdminDeviceEndpoints.Audit(audit, context, "command.list", id, device.Tenant, "ok");
        return Results.Ok(entries.Select(CommandResponse.From).ToList());
    }

    private static async Task<IResult> ShowAsync(string id, long sequence, HttpContext context, IDeviceRegistry registry, AccessPolicy policy, CommandStore store, IAuditLog audit)
    {
        // A device of another tenant is answered as absent, as every device endpoint answers it (docs/admin-api.md).
        var device = await AdminDeviceEndpoints.FindAsync(id, AccessAction.ReadDevices, registry, context, policy).ConfigureAwait(false);
        if (device == null)
        {
            AdminDeviceEndpoints.Audit(audit, context, "command.show", id, null, AdminProblems.DeviceNotFound);
            return AdminProblems.NotFound(id);
        }

        var entry = await store.FindAsync(id, sequence, context.RequestAborted).ConfigureAwait(false);
        AdminDeviceEndpoints.Audit(audit, context, "command.show", id, device.Tenant, entry == null ? AdminProblems.CommandNotFound : "ok");
        return entry == null
            ? AdminProblems.Problem(StatusCodes.Status404NotFound, AdminProblems.CommandNotFound, "Command not found", $"Device '{id}' has no command {sequence}.")
            : Results.Ok(CommandResponse.From(entry));
    }

    private static async Task<(QueueCommandRequest? Body, (string Code, string Detail)? Problem)> ReadBodyAsync(HttpRequest request)
    {
        if (!request.HasJsonContentType() || request.ContentLength > MaxBodyBytes)
        {
            return (null, (AdminProblems.InvalidBody, $"The body must be JSON (Content-Type: application/json) of at most {MaxBodyBytes} bytes."));
        }

        try
        {
            return (await request.ReadFromJsonAsync<QueueCommandRequest>(request.HttpContext.RequestAborted).ConfigureAwait(false), null);
        }
        catch (JsonException)
        {
            return (null, (AdminProblems.InvalidBody, "The body is not a JSON object {\"name\",\"arguments\":{...},\"ttlSeconds\"} with string argument values."));
        }
    }

    private static (QueueCommandRequest? Request, string? Arguments, TimeSpan TimeToLive, (string Code, string Detail)? Problem) Check(QueueCommandRequest? body, string deviceId, CommandOptions options)
    {
        if (body?.Name == null || !CommandName().IsMatch(body.Name))
        {
            return (body, null, default, (AdminProblems.InvalidCommand, "A command name is 1 to 32 characters from a-z, 0-9 and '-' (docs/protocol.md section 11.2)."));
        }

        if (body.Name == "rotate-secret")
        {
            return (body, null, default, (AdminProblems.InvalidCommand, "rotate-secret is sent by the over-the-air rotation (POST /admin/v1/devices/{id}/rotate with {\"overTheAir\":true}), which holds its key exchange."));
        }

        var arguments = CommandArgumentText.Format(body.Arguments ?? []);
        if (arguments == null)
        {
            return (body, null, default, (AdminProblems.InvalidArguments, "Arguments are at most 16 names of 1 to 32 characters from a-z, 0-9 and '_', with values on one line."));
        }

        if (body.TtlSeconds is { } seconds && (seconds <= 0 || seconds > (long)options.MaxTimeToLive.TotalSeconds))
        {
            return (body, null, default, (AdminProblems.InvalidArguments, $"ttlSeconds must be from 1 to {(long)options.MaxTimeToLive.TotalSeconds}."));
        }

        var ttl = body.TtlSeconds is { } given ? TimeSpan.FromSeconds(given) : options.DefaultTimeToLive;

        // The signed payload must fit what a device reads (docs/protocol.md section 11.2).
        var size = CommandWire.EncodeCommand(deviceId, 1, 0, body.Name, arguments, new byte[32]).Length;
        if (size > CommandWire.MaxCommandBytes)
        {
            return (body, null, default, (AdminProblems.InvalidArguments, $"The command would be {size} bytes signed; a device reads at most {CommandWire.MaxCommandBytes}."));
        }

        return (body, arguments, ttl, null);
    }

    [GeneratedRegex("^[a-z0-9-]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommandName();
}
