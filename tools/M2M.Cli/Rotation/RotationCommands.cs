using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using M2M.Cli.Admin;
using M2M.Cli.Common;
using M2M.Cli.Devices;

namespace M2M.Cli.Rotation;

/// <summary>
/// <c>m2m device rotate</c> (re-provisioning, or <c>--over-the-air</c> with progress and a wait),
/// <c>m2m device rotations</c> and <c>m2m device rotate-every</c>, over the admin API
/// (docs/admin-api.md, "Over-the-air rotation").
/// </summary>
public static class RotationCommands
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary><c>m2m device rotate ID [--over-the-air [--timeout SECONDS] [--wait SECONDS]]</c>.</summary>
    public static Command Rotate()
    {
        var id = new Argument<string>("id") { Description = "The device id." };
        var overTheAir = new Option<bool>("--over-the-air") { Description = "Agree the new secret with the device over the air (forward secrecy; the device keeps working) instead of printing one to provision." };
        var timeout = new Option<int?>("--timeout") { Description = "Over the air: seconds the device has to use the new secret before the rotation is rolled back (default: the gateway's, 24 h)." };
        var wait = new Option<int>("--wait") { Description = "Over the air: seconds to wait for the rotation to finish, showing its progress; 0 returns at once.", DefaultValueFactory = _ => 300 };
        var command = new Command("rotate", "Replace a device's secret: by default prints a new one to provision (the old one stops working); --over-the-air agrees it with the device.") { id, overTheAir, timeout, wait };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var deviceId = context.ParseResult.GetValue(id)!;
            using var client = AdminClient.For(context);
            if (!context.ParseResult.GetValue(overTheAir))
            {
                var device = await client.SendAsync(HttpMethod.Post, RotationRequests.DevicePath(deviceId) + "/rotate", null, context.CancellationToken).ConfigureAwait(false);
                await Output.WriteAsync(context, device!.Value, DeviceView.WriteDevice).ConfigureAwait(false);
                return;
            }

            var rotation = await RotationRequests.StartAsync(client, deviceId, context.ParseResult.GetValue(timeout), context.CancellationToken).ConfigureAwait(false);
            var seconds = context.ParseResult.GetValue(wait);
            if (seconds > 0)
            {
                rotation = await WaitAsync(context, client, deviceId, rotation, TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
            }

            await Output.WriteAsync(context, rotation, RotationView.WriteRotation).ConfigureAwait(false);
            var state = rotation.GetProperty("state").GetString();
            if (seconds > 0 && RotationRequests.KeptTheOldSecret(state))
            {
                throw new CliException(ExitCodes.RotationFailed, $"rotation {rotation.GetProperty("sequence").GetInt64()} of {deviceId}: {state} ({rotation.GetProperty("reason").GetString()}); the device keeps its secret");
            }

            if (seconds > 0 && state != "completed")
            {
                throw new CliException(ExitCodes.RotationUnfinished, $"rotation {rotation.GetProperty("sequence").GetInt64()} of {deviceId}: still {state} after {seconds} s; it goes on until {rotation.GetProperty("deadline").GetString()} ('m2m device rotations {deviceId}')");
            }
        }));
        return command;
    }

    /// <summary><c>m2m device rotations ID [SEQUENCE]</c>.</summary>
    public static Command List()
    {
        var id = new Argument<string>("id") { Description = "The device id." };
        var sequence = new Argument<long?>("sequence") { Description = "One rotation's sequence number; all recent ones when left out.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("rotations", "Show a device's over-the-air rotations (newest first, up to 100) or one of them.") { id, sequence };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var path = $"/admin/v1/devices/{Uri.EscapeDataString(context.ParseResult.GetValue(id)!)}/rotations";
            using var client = AdminClient.For(context);
            if (context.ParseResult.GetValue(sequence) is { } one)
            {
                var entry = await client.SendAsync(HttpMethod.Get, $"{path}/{one.ToString(CultureInfo.InvariantCulture)}", null, context.CancellationToken).ConfigureAwait(false);
                await Output.WriteAsync(context, entry!.Value, RotationView.WriteRotation).ConfigureAwait(false);
                return;
            }

            var entries = await client.SendAsync(HttpMethod.Get, path, null, context.CancellationToken).ConfigureAwait(false);
            await Output.WriteAsync(context, entries!.Value, RotationView.WriteList).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary><c>m2m device rotate-every ID SECONDS|off</c>.</summary>
    public static Command Schedule()
    {
        var id = new Argument<string>("id") { Description = "The device id." };
        var every = new Argument<string>("every") { Description = "Seconds between over-the-air rotations (at least 60), or 'off'." };
        var command = new Command("rotate-every", "Rotate a device's secret over the air periodically, or stop ('off').") { id, every };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var text = context.ParseResult.GetValue(every)!;
            long? seconds = text == "off" ? null
                : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
                : throw new CliException(ExitCodes.InvalidInput, $"'{text}': expected seconds (at least 60) or 'off'");
            using var client = AdminClient.For(context);
            var schedule = await client.SendAsync(HttpMethod.Put, $"/admin/v1/devices/{Uri.EscapeDataString(context.ParseResult.GetValue(id)!)}/rotation-schedule", new { everySeconds = seconds }, context.CancellationToken).ConfigureAwait(false);
            await Output.WriteAsync(context, schedule!.Value, RotationView.WriteSchedule).ConfigureAwait(false);
        }));
        return command;
    }

    private static async Task<JsonElement> WaitAsync(CommandContext context, AdminClient client, string deviceId, JsonElement rotation, TimeSpan timeout)
    {
        var sequence = rotation.GetProperty("sequence").GetInt64();
        var deadline = DateTimeOffset.UtcNow + timeout;
        var shown = string.Empty;
        while (!rotation.GetProperty("finished").GetBoolean() && DateTimeOffset.UtcNow < deadline)
        {
            var state = rotation.GetProperty("state").GetString() ?? string.Empty;
            if (!context.Json && state != shown)
            {
                // Progress on stderr, so the answer on stdout stays the rotation's alone.
                await context.Error.WriteLineAsync($"rotation {rotation.GetProperty("sequence").GetInt64()}: {state}, {Waiting(state)}").ConfigureAwait(false);
                shown = state;
            }

            await Task.Delay(PollInterval, context.CancellationToken).ConfigureAwait(false);
            rotation = await RotationRequests.GetAsync(client, deviceId, sequence, context.CancellationToken).ConfigureAwait(false);
        }

        return rotation;
    }

    private static string Waiting(string state) => state switch
    {
        "offered" => "waiting for the device's answer (it is sent when the device is connected)...",
        "proved" => "the device's proof verified; waiting for it to use the new secret...",
        _ => "waiting...",
    };
}
