using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using M2M.Cli.Admin;
using M2M.Cli.Common;

namespace M2M.Cli.Commands;

/// <summary>
/// <c>m2m device command</c> (queue a signed command, optionally wait for the device's answer) and
/// <c>m2m device commands</c> (a device's commands and their status), over the admin API
/// (docs/admin-api.md, "Commands").
/// </summary>
public static class CommandCommands
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary><c>m2m device command ID NAME [--arg key=value]... [--ttl SECONDS] [--wait SECONDS]</c>.</summary>
    public static Command Send()
    {
        var id = new Argument<string>("id") { Description = "The device id." };
        var name = new Argument<string>("name") { Description = "The command: ping, set-config, reboot, or one your firmware defines (rotate-secret is sent by 'device rotate --over-the-air')." };
        var arguments = new Option<string[]>("--arg") { Description = "An argument key=value (e.g. telemetry_interval_s=30, outbox_capacity=200 for set-config); repeat for several." };
        var ttl = new Option<int?>("--ttl") { Description = "Seconds the command may wait for the device (default: the gateway's, 24 h)." };
        var wait = new Option<int?>("--wait") { Description = "Wait up to this many seconds for the device's answer; exit code 15 unless it answers ok." };
        var command = new Command("command", "Queue a signed command for a device; it is delivered when the device is connected.") { id, name, arguments, ttl, wait };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var deviceId = context.ParseResult.GetValue(id)!;
            var body = new
            {
                name = context.ParseResult.GetValue(name),
                arguments = ParseArguments(context.ParseResult.GetValue(arguments) ?? []),
                ttlSeconds = context.ParseResult.GetValue(ttl),
            };
            using var client = AdminClient.For(context);
            var entry = (await client.SendAsync(HttpMethod.Post, $"/admin/v1/devices/{Uri.EscapeDataString(deviceId)}/commands", body, context.CancellationToken).ConfigureAwait(false))!.Value;
            if (context.ParseResult.GetValue(wait) is { } seconds)
            {
                entry = await WaitAsync(context, client, deviceId, entry, TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
            }

            await Output.WriteAsync(context, entry, CommandView.WriteCommand).ConfigureAwait(false);
            if (context.ParseResult.GetValue(wait) is not null && entry.GetProperty("status").GetString() != "ok")
            {
                throw new CliException(ExitCodes.CommandNotOk, $"command {entry.GetProperty("sequence").GetInt64()} of {deviceId}: {entry.GetProperty("status").GetString()}");
            }
        }));
        return command;
    }

    /// <summary><c>m2m device commands ID [SEQUENCE]</c>.</summary>
    public static Command List()
    {
        var id = new Argument<string>("id") { Description = "The device id." };
        var sequence = new Argument<long?>("sequence") { Description = "One command's sequence number; all recent ones when left out.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("commands", "Show a device's commands (newest first, up to 100) or one of them, with the device's answers.") { id, sequence };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var deviceId = Uri.EscapeDataString(context.ParseResult.GetValue(id)!);
            using var client = AdminClient.For(context);
            if (context.ParseResult.GetValue(sequence) is { } one)
            {
                var entry = await client.SendAsync(HttpMethod.Get, $"/admin/v1/devices/{deviceId}/commands/{one.ToString(CultureInfo.InvariantCulture)}", null, context.CancellationToken).ConfigureAwait(false);
                await Output.WriteAsync(context, entry!.Value, CommandView.WriteCommand).ConfigureAwait(false);
                return;
            }

            var entries = await client.SendAsync(HttpMethod.Get, $"/admin/v1/devices/{deviceId}/commands", null, context.CancellationToken).ConfigureAwait(false);
            await Output.WriteAsync(context, entries!.Value, CommandView.WriteList).ConfigureAwait(false);
        }));
        return command;
    }

    private static Dictionary<string, string> ParseArguments(string[] pairs)
    {
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !arguments.TryAdd(pair[..equals], pair[(equals + 1)..]))
            {
                throw new CliException(ExitCodes.InvalidInput, $"--arg '{pair}': expected key=value, each key once");
            }
        }

        return arguments;
    }

    private static async Task<JsonElement> WaitAsync(CommandContext context, AdminClient client, string deviceId, JsonElement entry, TimeSpan timeout)
    {
        var path = $"/admin/v1/devices/{Uri.EscapeDataString(deviceId)}/commands/{entry.GetProperty("sequence").GetInt64().ToString(CultureInfo.InvariantCulture)}";
        var deadline = DateTimeOffset.UtcNow + timeout;
        var shown = string.Empty;
        while (!entry.GetProperty("completed").GetBoolean() && DateTimeOffset.UtcNow < deadline)
        {
            var status = entry.GetProperty("status").GetString() ?? string.Empty;
            if (!context.Json && status != shown)
            {
                // Progress on stderr, so the answer on stdout stays the command's alone.
                await context.Error.WriteLineAsync($"command {entry.GetProperty("sequence").GetInt64()}: {status}, waiting for the device...").ConfigureAwait(false);
                shown = status;
            }

            await Task.Delay(PollInterval, context.CancellationToken).ConfigureAwait(false);
            entry = (await client.SendAsync(HttpMethod.Get, path, null, context.CancellationToken).ConfigureAwait(false))!.Value;
        }

        return entry;
    }
}
