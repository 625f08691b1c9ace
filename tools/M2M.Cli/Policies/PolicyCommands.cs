using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using M2M.Cli.Admin;
using M2M.Cli.Common;
using static M2M.Cli.Common.Output;
using Spectre.Console;

namespace M2M.Cli.Policies;

/// <summary><c>m2m policy list|test</c>: the expression policies the gateway loaded at start (docs/policies.md), over the admin API.</summary>
public static class PolicyCommands
{
    public static Command Build()
    {
        var policy = new Command("policy", "Show the gateway's expression policies (CEL) and try a request against them.");
        policy.Subcommands.Add(List());
        policy.Subcommands.Add(Test());
        return policy;
    }

    private static Command List()
    {
        var command = new Command("list", "List the policies the gateway loaded, in evaluation order.");
        command.SetAction(GlobalOptions.Run(async context =>
        {
            using var client = AdminClient.For(context);
            var policies = (await client.SendAsync(HttpMethod.Get, "/admin/v1/policies", null, context.CancellationToken).ConfigureAwait(false))!.Value;
            await Output.WriteAsync(context, policies, WriteList).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Test()
    {
        var action = new Option<string>("--action") { Description = "The action: devices.delete, telemetry.read, mqtt.publish... (docs/policies.md, \"Actions\").", Required = true };
        var input = new Option<FileInfo?>("--input") { Description = "A JSON file with the variables {\"principal\":{...},\"device\":{...},\"request\":{...},\"claims\":{...}}; the options below override its members." };
        var kind = new Option<string?>("--kind") { Description = "principal.kind: key, device or client." };
        var id = new Option<string?>("--id") { Description = "principal.id." };
        var tenant = new Option<string?>("--tenant") { Description = "principal.tenant (omit for a global principal)." };
        var roles = new Option<string[]>("--role") { Description = "A role of the principal; repeat for several." };
        var target = new Option<string?>("--target-tenant") { Description = "request.tenant: the tenant of the device, key or records the request concerns." };
        var command = new Command("test", "Evaluate the loaded policies for a described request, without acting and without counting; exit 16 when one refuses.")
        {
            action, input, kind, id, tenant, roles, target,
        };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var parse = context.ParseResult;
            var body = await ReadInputAsync(parse.GetValue(input), context.CancellationToken).ConfigureAwait(false);
            body["action"] = parse.GetValue(action);
            var principal = Member(body, "principal");
            Set(principal, "kind", parse.GetValue(kind));
            Set(principal, "id", parse.GetValue(id));
            Set(principal, "tenant", parse.GetValue(tenant));
            if (parse.GetValue(roles) is { Length: > 0 } given)
            {
                principal["roles"] = new JsonArray([.. given.Select(r => JsonValue.Create(r))]);
            }

            Set(Member(body, "request"), "tenant", parse.GetValue(target));
            using var client = AdminClient.For(context);
            var result = (await client.SendAsync(HttpMethod.Post, "/admin/v1/policies/test", body, context.CancellationToken).ConfigureAwait(false))!.Value;
            await Output.WriteAsync(context, result, WriteTest).ConfigureAwait(false);
            if (!result.GetProperty("allowed").GetBoolean())
            {
                throw new CliException(ExitCodes.PolicyRefused, $"refused by policy {Text(result, "policy")}");
            }
        }));
        return command;
    }

    private static async Task<JsonObject> ReadInputAsync(FileInfo? file, CancellationToken cancellationToken)
    {
        if (file == null)
        {
            return [];
        }

        try
        {
            var text = await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false);
            return JsonNode.Parse(text) as JsonObject ?? throw new CliException(ExitCodes.InvalidInput, $"{file.Name}: not a JSON object");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CliException(ExitCodes.InvalidInput, $"{file.Name}: {exception.Message}");
        }
    }

    private static JsonObject Member(JsonObject body, string name)
    {
        if (body[name] is JsonObject member)
        {
            return member;
        }

        var created = new JsonObject();
        body[name] = created;
        return created;
    }

    private static void Set(JsonObject map, string name, string? value)
    {
        if (value != null)
        {
            map[name] = value;
        }
    }

    private static void WriteList(CommandContext context, JsonElement policies)
    {
        var table = new Table().AddColumns("NAME", "ACTIONS", "EXPRESSION", "DESCRIPTION");
        foreach (var policy in policies.EnumerateArray())
        {
            table.AddRow(Cells(Text(policy, "name"), Output.List(policy, "actions"), Text(policy, "expression"), Text(policy, "description")));
        }

        context.Console.Write(table);
        context.Console.WriteLine($"{policies.GetArrayLength()} policy(ies)");
    }

    private static void WriteTest(CommandContext context, JsonElement result)
    {
        var table = new Table().AddColumns("POLICY", "DECISION");
        foreach (var verdict in result.GetProperty("results").EnumerateArray())
        {
            table.AddRow(Cells(Text(verdict, "policy"), Text(verdict, "decision")));
        }

        context.Console.Write(table);
        context.Console.WriteLine(result.GetProperty("allowed").GetBoolean() ? "allowed" : $"refused by {Text(result, "policy")}");
    }
}
