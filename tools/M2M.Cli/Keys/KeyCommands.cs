using System.CommandLine;
using M2M.Cli.Admin;
using M2M.Cli.Common;

namespace M2M.Cli.Keys;

/// <summary><c>m2m key create|list|show|rotate|expire|revoke</c>: API keys for people and machines, over the admin API.</summary>
public static class KeyCommands
{
    public static Command Build()
    {
        var key = new Command("key", "Create and manage API keys (roles: admin, operator, viewer, telemetry-reader; optional tenant and expiry).");
        key.Subcommands.Add(Create());
        key.Subcommands.Add(List());
        key.Subcommands.Add(WithId("show", "Show one API key (never its secret).", HttpMethod.Get, id => $"/admin/v1/keys/{id}"));
        key.Subcommands.Add(WithId("rotate", "Replace a key's secret; prints the new key once (the old one stops working at once).", HttpMethod.Post, id => $"/admin/v1/keys/{id}/rotate"));
        key.Subcommands.Add(Expire());
        key.Subcommands.Add(WithId("revoke", "Revoke a key for good (the last active global admin key cannot be revoked).", HttpMethod.Post, id => $"/admin/v1/keys/{id}/revoke"));
        return key;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The key's id (ak-...), as m2m key list shows it." };

    private static Command Create()
    {
        var name = new Argument<string>("name") { Description = "What the key is for (a person, a service)." };
        var roles = new Option<string[]>("--role") { Description = "A role: admin, operator, viewer or telemetry-reader; repeat for several.", Required = true };
        var tenant = new Option<string?>("--tenant") { Description = "Confine the key to this tenant (default: every tenant, or your own key's tenant)." };
        var expires = new Option<DateTimeOffset?>("--expires") { Description = "When the key stops working (ISO 8601, e.g. 2027-06-30T00:00:00Z)." };
        var expiresIn = new Option<TimeSpan?>("--expires-in") { Description = "Stop working after this long (e.g. 90.00:00:00 for 90 days)." };
        var command = new Command("create", "Create an API key; prints it once.") { name, roles, tenant, expires, expiresIn };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var at = context.ParseResult.GetValue(expires);
            if (context.ParseResult.GetValue(expiresIn) is { } after)
            {
                at = at == null ? DateTimeOffset.UtcNow + after : throw new CliException(ExitCodes.Usage, "give --expires or --expires-in, not both");
            }

            var body = new { name = context.ParseResult.GetValue(name), roles = context.ParseResult.GetValue(roles), tenant = context.ParseResult.GetValue(tenant), expiresAt = at };
            using var client = AdminClient.For(context);
            var key = await client.SendAsync(HttpMethod.Post, "/admin/v1/keys", body, context.CancellationToken).ConfigureAwait(false);
            await Output.WriteAsync(context, key!.Value, KeyView.WriteKey).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the API keys your key may see (never their secrets).");
        command.SetAction(GlobalOptions.Run(async context =>
        {
            using var client = AdminClient.For(context);
            var keys = (await client.SendAsync(HttpMethod.Get, "/admin/v1/keys", null, context.CancellationToken).ConfigureAwait(false))!.Value;
            await Output.WriteAsync(context, keys, KeyView.WriteList).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Expire()
    {
        var id = IdArgument();
        var at = new Option<DateTimeOffset?>("--at") { Description = "When the key stops working (ISO 8601); default now." };
        var command = new Command("expire", "Set when a key stops working: now, or --at a later time.") { id, at };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var when = context.ParseResult.GetValue(at);
            using var client = AdminClient.For(context);
            var key = await client.SendAsync(HttpMethod.Post, $"/admin/v1/keys/{Uri.EscapeDataString(context.ParseResult.GetValue(id)!)}/expire",
                when == null ? null : new { at = when }, context.CancellationToken).ConfigureAwait(false);
            await Output.WriteAsync(context, key!.Value, KeyView.WriteKey).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command WithId(string name, string description, HttpMethod method, Func<string, string> path) =>
        AdminCommand.ForResource(name, description, IdArgument(), method, path, KeyView.WriteKey);
}
