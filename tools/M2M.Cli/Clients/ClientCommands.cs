using System.CommandLine;
using M2M.Cli.Admin;
using M2M.Cli.Common;
using M2M.Cli.Keys;

namespace M2M.Cli.Clients;

/// <summary>
/// <c>m2m client create|list|show|rotate|revoke</c>: service clients, which obtain gateway tokens with
/// their client secret or by federation (docs/tokens.md, "Service clients"), over the admin API.
/// </summary>
public static class ClientCommands
{
    public static Command Build()
    {
        var client = new Command("client", "Create and manage service clients: backend services that get gateway tokens with a client secret or a federated JWT.");
        client.Subcommands.Add(Create());
        client.Subcommands.Add(List());
        client.Subcommands.Add(WithId("show", "Show one service client (never its secret).", HttpMethod.Get, id => $"/admin/v1/clients/{id}"));
        client.Subcommands.Add(WithId("rotate", "Replace a client's secret; prints the new one once (the old secret and every token issued before stop working at once).", HttpMethod.Post, id => $"/admin/v1/clients/{id}/rotate"));
        client.Subcommands.Add(WithId("revoke", "Revoke a service client for good: its secret and its tokens stop working at once.", HttpMethod.Post, id => $"/admin/v1/clients/{id}/revoke"));
        return client;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The client id (its OAuth client_id)." };

    private static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The client id to create: 3 to 64 of a-z, 0-9 and '-'." };
        var name = new Option<string?>("--name") { Description = "What the client is for (default: its id)." };
        var roles = new Option<string[]>("--role") { Description = "A role: admin, operator, viewer or telemetry-reader; repeat for several.", Required = true };
        var tenant = new Option<string?>("--tenant") { Description = "Confine the client's tokens to this tenant (default: every tenant, or your own key's tenant)." };
        var expires = new Option<DateTimeOffset?>("--expires") { Description = "When the client stops working (ISO 8601)." };
        var command = new Command("create", "Create a service client; prints its client secret once.") { id, name, roles, tenant, expires };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var body = new
            {
                id = context.ParseResult.GetValue(id),
                name = context.ParseResult.GetValue(name),
                roles = context.ParseResult.GetValue(roles),
                tenant = context.ParseResult.GetValue(tenant),
                expiresAt = context.ParseResult.GetValue(expires),
            };
            using var admin = AdminClient.For(context);
            var created = await admin.SendAsync(HttpMethod.Post, "/admin/v1/clients", body, context.CancellationToken).ConfigureAwait(false);
            await Output.WriteAsync(context, created!.Value, KeyView.WriteClient).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the service clients your key may see (never their secrets).");
        command.SetAction(GlobalOptions.Run(async context =>
        {
            using var admin = AdminClient.For(context);
            var clients = (await admin.SendAsync(HttpMethod.Get, "/admin/v1/clients", null, context.CancellationToken).ConfigureAwait(false))!.Value;
            await Output.WriteAsync(context, clients, KeyView.WriteClientList).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command WithId(string name, string description, HttpMethod method, Func<string, string> path) =>
        AdminCommand.ForResource(name, description, IdArgument(), method, path, KeyView.WriteClient);
}
