using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using M2M.Cli.Admin;
using M2M.Cli.Common;

namespace M2M.Cli.Sinks;

/// <summary><c>m2m sink list|dead-letters|redeliver|credential</c>: the relay's sinks and their dead letters, over the admin API.</summary>
public static class SinkCommands
{
    public static Command Build()
    {
        var sink = new Command("sink", "Show the relay's sinks and redeliver their dead letters through the gateway's admin API.");
        sink.Subcommands.Add(List());
        sink.Subcommands.Add(DeadLetters());
        sink.Subcommands.Add(Redeliver());
        sink.Subcommands.Add(SinkCredentialCommands.Build());
        return sink;
    }

    private static Argument<string> SinkArgument() => new("sink") { Description = "The sink: file, webhook, nats, postgres, prometheus or loki (see m2m sink list)." };

    private static Command List()
    {
        var command = new Command("list", "List the enabled sinks: state, position, lag, dead letters, last error.");
        command.SetAction(GlobalOptions.Run(async context =>
        {
            using var client = AdminClient.For(context);
            var sinks = (await client.SendAsync(HttpMethod.Get, "/admin/v1/sinks", null, context.CancellationToken).ConfigureAwait(false))!.Value;
            await Output.WriteAsync(context, sinks, SinkView.WriteList).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command DeadLetters()
    {
        var sink = SinkArgument();
        var after = new Option<long>("--after") { Description = "Show dead letters with an id above this (the next page)." };
        var limit = new Option<int>("--limit") { Description = "Most dead letters to show (at most 1000).", DefaultValueFactory = _ => 100 };
        var command = new Command("dead-letters", "List a sink's dead letters, oldest first.") { sink, after, limit };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var name = context.ParseResult.GetValue(sink)!;
            var query = string.Create(CultureInfo.InvariantCulture, $"?after={context.ParseResult.GetValue(after)}&limit={context.ParseResult.GetValue(limit)}");
            using var client = AdminClient.For(context);
            var page = (await client.SendAsync(HttpMethod.Get, $"/admin/v1/sinks/{Uri.EscapeDataString(name)}/dead-letters{query}", null, context.CancellationToken).ConfigureAwait(false))!.Value;
            await Output.WriteAsync(context, page, SinkView.WriteDeadLetters).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Redeliver()
    {
        var sink = SinkArgument();
        var ids = new Option<long[]>("--id") { Description = "A dead letter to redeliver; repeat for several. Without --id, every dead letter of the sink." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the gateway has queued them, without waiting for the sink to deliver them." };
        var timeout = new Option<TimeSpan>("--timeout") { Description = "How long to wait for the sink to deliver them.", DefaultValueFactory = _ => TimeSpan.FromMinutes(1) };
        var command = new Command("redeliver", "Redeliver a sink's dead letters (all, or those given by --id) and wait until the sink has.") { sink, ids, noWait, timeout };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var name = context.ParseResult.GetValue(sink)!;
            var selected = context.ParseResult.GetValue(ids) ?? [];
            var path = $"/admin/v1/sinks/{Uri.EscapeDataString(name)}/dead-letters";
            using var client = AdminClient.For(context);
            var queued = (await client.SendAsync(HttpMethod.Post, path + "/redeliver", selected.Length == 0 ? null : new { ids = selected }, context.CancellationToken).ConfigureAwait(false))!.Value;
            var queuedIds = queued.GetProperty("queued").EnumerateArray().Select(i => i.GetInt64()).ToHashSet();
            var notFound = queued.GetProperty("notFound").GetArrayLength();
            if (context.ParseResult.GetValue(noWait))
            {
                await WriteOutcomeAsync(context, name, queuedIds.Count, 0, queuedIds.Count, notFound).ConfigureAwait(false);
                return;
            }

            var (delivered, failed, pending) = await WaitAsync(client, path, queuedIds, context.ParseResult.GetValue(timeout), context.CancellationToken).ConfigureAwait(false);
            await WriteOutcomeAsync(context, name, delivered, failed, pending, notFound).ConfigureAwait(false);
            if (failed > 0 || pending > 0)
            {
                throw new CliException(ExitCodes.RedeliveryIncomplete,
                    $"{failed} dead letter(s) failed again and {pending} are still queued (see m2m sink dead-letters {name})");
            }
        }));
        return command;
    }

    /// <summary>
    /// Polls the sink's dead letters until none of <paramref name="ids"/> is queued: a queued letter
    /// that is gone was delivered, one still there but no longer queued failed again.
    /// </summary>
    private static async Task<(int Delivered, int Failed, int Pending)> WaitAsync(AdminClient client, string path, HashSet<long> ids, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var (present, queued) = await ReadStateAsync(client, path, ids, cancellationToken).ConfigureAwait(false);
            if (queued == 0 || DateTimeOffset.UtcNow >= deadline)
            {
                return (ids.Count - present, present - queued, queued);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<(int Present, int Queued)> ReadStateAsync(AdminClient client, string path, HashSet<long> ids, CancellationToken cancellationToken)
    {
        int present = 0, queued = 0;
        long? after = 0;
        while (after != null)
        {
            var page = (await client.SendAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"{path}?after={after}&limit=1000"), null, cancellationToken).ConfigureAwait(false))!.Value;
            foreach (var letter in page.GetProperty("deadLetters").EnumerateArray())
            {
                if (ids.Contains(letter.GetProperty("id").GetInt64()))
                {
                    present++;
                    queued += letter.GetProperty("queued").GetBoolean() ? 1 : 0;
                }
            }

            after = page.GetProperty("next").ValueKind == JsonValueKind.Number ? page.GetProperty("next").GetInt64() : null;
        }

        return (present, queued);
    }

    private static Task WriteOutcomeAsync(CommandContext context, string sink, int delivered, int failed, int pending, int notFound) =>
        context.Json
            ? context.Output.WriteLineAsync(JsonSerializer.Serialize(new { sink, redelivered = delivered, failed, pending, notFound }))
            : context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Sink {sink}: {delivered} dead letter(s) redelivered, {failed} failed again, {pending} still queued{(notFound > 0 ? $", {notFound} id(s) not found" : string.Empty)}."));
}
