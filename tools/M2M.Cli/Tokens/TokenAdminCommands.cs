using System.CommandLine;
using System.Text.Json;
using M2M.Cli.Admin;
using M2M.Cli.Common;
using Spectre.Console;
using static M2M.Cli.Common.Output;

namespace M2M.Cli.Tokens;

/// <summary>
/// <c>m2m token revoke|introspect</c>: the gateway's RFC 7009 revocation and RFC 7662 introspection
/// endpoints, with the admin key (a role that allows managing tokens: admin or operator).
/// </summary>
public static class TokenAdminCommands
{
    private const string RevokePath = "/oauth2/revoke";
    private const string IntrospectPath = "/oauth2/introspect";

    /// <summary><c>m2m token revoke &lt;token&gt;</c>.</summary>
    public static Command Revoke()
    {
        var token = TokenArgument();
        var command = new Command("revoke", "Revoke an access token the gateway issued (RFC 7009): refused at CONNECT, its live session ends.") { token };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var value = await ReadTokenAsync(context.ParseResult.GetValue(token)!).ConfigureAwait(false);
            using var client = AdminClient.For(context);
            await client.PostFormAsync(RevokePath, [new("token", value), new("token_type_hint", "access_token")], context.CancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                using var done = JsonDocument.Parse("""{"revoked":true}""");
                await WriteJsonAsync(context, done.RootElement).ConfigureAwait(false);
                return;
            }

            // RFC 7009 section 2.2: the answer is the same for a token that was already invalid or is another tenant's.
            context.Console.WriteLine("Revoked: the gateway no longer accepts this token (if it was valid and within your key's tenant).");
        }));
        return command;
    }

    /// <summary><c>m2m token introspect &lt;token&gt;</c>.</summary>
    public static Command Introspect()
    {
        var token = TokenArgument();
        var command = new Command("introspect", "Show whether the gateway accepts an access token now, and its claims (RFC 7662).") { token };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var value = await ReadTokenAsync(context.ParseResult.GetValue(token)!).ConfigureAwait(false);
            using var client = AdminClient.For(context);
            var answer = await client.PostFormAsync(IntrospectPath, [new("token", value)], context.CancellationToken).ConfigureAwait(false)
                ?? throw new CliException(ExitCodes.GatewayError, "the introspection answer is empty");
            await WriteAsync(context, answer, WriteIntrospection).ConfigureAwait(false);
        }));
        return command;
    }

    private static Argument<string> TokenArgument() => new("token")
    {
        Description = "The access token, or - to read it from standard input (keeps it out of the shell history and the process list).",
    };

    private static async Task<string> ReadTokenAsync(string argument)
    {
        var token = argument == "-" ? await Console.In.ReadToEndAsync().ConfigureAwait(false) : argument;
        token = token.Trim();
        return token.Length > 0 ? token : throw new CliException(ExitCodes.Usage, "no token given");
    }

    private static void WriteIntrospection(CommandContext context, JsonElement answer)
    {
        var table = new Table().AddColumns("FIELD", "VALUE").HideHeaders();
        foreach (var property in answer.EnumerateObject())
        {
            var value = property.Name is "iat" or "nbf" or "exp" && property.Value.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("O", System.Globalization.CultureInfo.InvariantCulture)
                : property.Value.ValueKind == JsonValueKind.Array ? string.Join(", ", property.Value.EnumerateArray().Select(e => e.ToString())) : property.Value.ToString();
            table.AddRow(Cells(property.Name, value));
        }

        context.Console.Write(table);
    }
}
