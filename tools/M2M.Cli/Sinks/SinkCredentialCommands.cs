using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using M2M.Cli.Admin;
using M2M.Cli.Common;

namespace M2M.Cli.Sinks;

/// <summary>
/// <c>m2m sink credential set|list|delete</c>: the secrets HTTP sinks authenticate with, stored
/// encrypted by the gateway. A value is read from a file or standard input, never from the command
/// line (where other users could read it in the process list), and is never printed.
/// </summary>
public static class SinkCredentialCommands
{
    public static Command Build()
    {
        var credential = new Command("credential", "Store, list and delete the credentials HTTP sinks authenticate with (values are encrypted by the gateway and never shown).");
        credential.Subcommands.Add(Set());
        credential.Subcommands.Add(List());
        credential.Subcommands.Add(Delete());
        return credential;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The credential's name, as the sink's Auth:Credential names it (1 to 64 of a-z A-Z 0-9 . _ -)." };

    private static Command Set()
    {
        var name = NameArgument();
        var fromFile = new Option<FileInfo?>("--from-file") { Description = "Read the value from this file (a PEM private key, a token file); without it, from standard input." };
        var command = new Command("set", "Store or replace a credential's value (a bearer token, a password, an OAuth client secret or a PEM private key).") { name, fromFile };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var credential = context.ParseResult.GetValue(name)!;
            var file = context.ParseResult.GetValue(fromFile);
            var value = file != null
                ? await File.ReadAllTextAsync(file.FullName, context.CancellationToken).ConfigureAwait(false)
                : await Console.In.ReadToEndAsync(context.CancellationToken).ConfigureAwait(false);

            // A PEM key keeps its line breaks; a token or password read from a line loses the trailing newline.
            value = value.Contains("-----BEGIN", StringComparison.Ordinal) ? value.Trim() + "\n" : value.TrimEnd('\r', '\n');
            if (value.Length == 0)
            {
                throw new CliException(ExitCodes.InvalidInput, "The value is empty: pipe it on standard input or give --from-file.");
            }

            using var client = AdminClient.For(context);
            var stored = (await client.SendAsync(HttpMethod.Put, $"/admin/v1/sinks/credentials/{Uri.EscapeDataString(credential)}", new { value }, context.CancellationToken).ConfigureAwait(false))!.Value;
            await (context.Json
                ? context.Output.WriteLineAsync(stored.GetRawText())
                : context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Credential {credential} stored (encrypted); the sinks that name it use it at their next attempt."))).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the stored credentials: names and when each was set (never a value).");
        command.SetAction(GlobalOptions.Run(async context =>
        {
            using var client = AdminClient.For(context);
            var credentials = (await client.SendAsync(HttpMethod.Get, "/admin/v1/sinks/credentials", null, context.CancellationToken).ConfigureAwait(false))!.Value;
            if (context.Json)
            {
                await context.Output.WriteLineAsync(credentials.GetRawText()).ConfigureAwait(false);
                return;
            }

            var text = new StringBuilder();
            foreach (var credential in credentials.EnumerateArray())
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{credential.GetProperty("name").GetString(),-32} set {credential.GetProperty("updated").GetDateTimeOffset():u}");
            }

            await context.Output.WriteAsync(text.Length == 0 ? "No sink credentials stored." + Environment.NewLine : text.ToString()).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Delete()
    {
        var name = NameArgument();
        var command = new Command("delete", "Delete a credential; sinks that name it fail with auth credential_missing until it is set again.") { name };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var credential = context.ParseResult.GetValue(name)!;
            using var client = AdminClient.For(context);
            await client.SendAsync(HttpMethod.Delete, $"/admin/v1/sinks/credentials/{Uri.EscapeDataString(credential)}", null, context.CancellationToken).ConfigureAwait(false);
            await (context.Json
                ? context.Output.WriteLineAsync(JsonSerializer.Serialize(new { name = credential, deleted = true }))
                : context.Output.WriteLineAsync($"Credential {credential} deleted.")).ConfigureAwait(false);
        }));
        return command;
    }
}
