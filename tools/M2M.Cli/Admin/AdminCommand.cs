using System.CommandLine;
using System.Text.Json;
using M2M.Cli.Common;

namespace M2M.Cli.Admin;

/// <summary>Commands made of one admin API request.</summary>
public static class AdminCommand
{
    /// <summary>
    /// <c>m2m &lt;group&gt; &lt;name&gt; &lt;id&gt;</c>: sends <paramref name="method"/> to the path of the
    /// resource <paramref name="id"/> names, and writes the answer with <paramref name="view"/> (or its JSON).
    /// </summary>
    public static Command ForResource(string name, string description, Argument<string> id, HttpMethod method, Func<string, string> path, Action<CommandContext, JsonElement> view)
    {
        ArgumentNullException.ThrowIfNull(path);
        var command = new Command(name, description) { id };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            using var client = AdminClient.For(context);
            var answer = await client.SendAsync(method, path(Uri.EscapeDataString(context.ParseResult.GetValue(id)!)), null, context.CancellationToken).ConfigureAwait(false);
            await Output.WriteAsync(context, answer!.Value, view).ConfigureAwait(false);
        }));
        return command;
    }
}
