using System.CommandLine;
using System.Diagnostics;
using M2M.Bench.Fleet;
using M2M.Cli.Admin;
using M2M.Cli.Common;
using M2M.Device.Core.Session;
using Spectre.Console;

namespace M2M.Cli.Sim;

/// <summary>
/// <c>m2m sim</c>: provisions N devices through the admin API, runs each on the real device application
/// (tokens, session, signed telemetry at a given rate, commands), optionally rotates their secrets over
/// the air periodically (<c>--rotate-every</c>), shows live progress and prints a summary.
/// </summary>
public static class SimCommand
{
    public static Command Create()
    {
        var mqtt = new Option<string?>("--mqtt") { Description = "MQTT host:port (default: the gateway's host, port 1883)." };
        var devices = new Option<int>("--devices") { Description = "Simulated devices.", DefaultValueFactory = _ => 10 };
        var rate = new Option<double>("--rate") { Description = "Messages per second per device.", DefaultValueFactory = _ => 1 };
        var duration = new Option<TimeSpan>("--duration") { Description = "How long to publish (e.g. 00:01:00).", DefaultValueFactory = _ => TimeSpan.FromSeconds(30) };
        var tenant = new Option<string>("--tenant") { Description = "Tenant of the provisioned devices.", DefaultValueFactory = _ => "sim" };
        var rotateEvery = new Option<TimeSpan?>("--rotate-every") { Description = "Rotate every device's secret over the air this often (e.g. 00:00:30); off by default." };
        var command = new Command("sim", "Run simulated devices on the real device application against a gateway.")
        {
            mqtt, devices, rate, duration, tenant, rotateEvery,
        };
        // --gateway and the admin key come from the global options (GlobalOptions), as for every command.
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var parse = context.ParseResult;
            var baseAddress = context.GatewayUrl;
            var (host, port) = ParseMqtt(parse.GetValue(mqtt), baseAddress.Host);
            var every = parse.GetValue(rotateEvery);
            if (every is { } period && period <= TimeSpan.Zero)
            {
                throw new CliException(ExitCodes.InvalidInput, "--rotate-every: expected a positive duration (e.g. 00:00:30)");
            }

            var settings = new SimSettings(baseAddress, host, port, context.AdminKey(), parse.GetValue(devices), parse.GetValue(rate), parse.GetValue(duration), parse.GetValue(tenant)!, every);
            if (await RunAsync(settings, AnsiConsole.Console, context.CancellationToken).ConfigureAwait(false) != 0)
            {
                throw new CliException(ExitCodes.SimIncomplete, "sim: not every collected message was acknowledged, or not every rotation completed (see the summary)");
            }
        }));
        return command;
    }

    public sealed record SimSettings(Uri Gateway, string MqttHost, int MqttPort, string AdminKey, int Devices, double Rate, TimeSpan Duration, string Tenant, TimeSpan? RotateEvery = null);

    /// <summary>
    /// Runs the simulation and prints its summary; 0 when every signed message was acknowledged (but for
    /// those lost with a device's outbox when it restarted) and every rotation started completed.
    /// </summary>
    public static async Task<int> RunAsync(SimSettings settings, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var counters = new SimCounters();
        var prefix = $"sim-{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x}";
        using var api = new GatewayApi(settings.Gateway, settings.AdminKey);
        console.MarkupLineInterpolated($"provisioning {settings.Devices} devices ({prefix}-*) through the admin API");
        var provisioned = await api.ProvisionManyAsync(prefix, settings.Devices, settings.Tenant, cancellationToken).ConfigureAwait(false);
        var tokenEndpoint = new Uri(settings.Gateway, "/oauth2/token");
        var fleet = provisioned.Select(d => new SimulatedDevice(d.Id, d.Secret, tokenEndpoint, settings.MqttHost, settings.MqttPort, counters)).ToList();
        using var admin = new AdminClient(settings.Gateway, settings.AdminKey);
        var rotations = settings.RotateEvery is { } every ? new FleetRotations(admin, fleet.Select(d => d.Id).ToList(), every) : null;
        var publishing = true;
        using var stopRotating = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var rotating = Task.CompletedTask;
        try
        {
            fleet.ForEach(d => d.Start());
            if (rotations != null)
            {
                rotating = Task.Run(() => rotations.RunAsync(() => Volatile.Read(ref publishing), stopRotating.Token), CancellationToken.None);
            }

            var interval = TimeSpan.FromSeconds(1 / settings.Rate);
            var clock = Stopwatch.StartNew();
            var next = TimeSpan.Zero;
            await console.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var run = progress.AddTask("publishing", maxValue: settings.Duration.TotalSeconds);
                    var rotation = rotations == null ? null : progress.AddTask("rotating", maxValue: 1);
                    while (clock.Elapsed < settings.Duration && !cancellationToken.IsCancellationRequested)
                    {
                        if (clock.Elapsed >= next)
                        {
                            fleet.ForEach(d => d.Collect());
                            next += interval;
                        }

                        run.Value = clock.Elapsed.TotalSeconds;
                        run.Description = Describe(fleet);
                        ShowRotations(rotation, rotations);
                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp((next - clock.Elapsed).TotalMilliseconds, 1, 200)), cancellationToken).ConfigureAwait(false);
                    }

                    // No new rotation from now; let the outboxes drain (every signed message acknowledged,
                    // refused, dropped or lost at a restart) and the rotations in progress finish.
                    Volatile.Write(ref publishing, false);
                    var drain = Stopwatch.StartNew();
                    while (drain.Elapsed < TimeSpan.FromSeconds(30) && (!rotating.IsCompleted || fleet.Sum(d => d.Acknowledged + d.Refused + d.Dropped + d.LostAtRestart) < fleet.Sum(d => d.Collected)))
                    {
                        run.Description = "draining: " + Describe(fleet);
                        ShowRotations(rotation, rotations);
                        await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                    }

                    run.Value = run.MaxValue;
                    run.Description = Describe(fleet);
                    ShowRotations(rotation, rotations);
                }).ConfigureAwait(false);
            await StopAsync(stopRotating, rotating).ConfigureAwait(false);
            WriteSummary(console, fleet, counters, rotations);
            var messagesAccountedFor = fleet.Sum(d => d.Acknowledged + d.LostAtRestart) == fleet.Sum(d => d.Collected);
            var rotationsCompleted = rotations == null || rotations.Completed == rotations.Started;
            return messagesAccountedFor && rotationsCompleted ? 0 : 1;
        }
        finally
        {
            await StopAsync(stopRotating, rotating).ConfigureAwait(false);
            Parallel.ForEach(fleet, d => d.Dispose());
        }
    }

    // Ends the rotation loop (still following rotations after the drain's bound) and surfaces its failure, once.
    private static async Task StopAsync(CancellationTokenSource stop, Task rotating)
    {
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await rotating.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped by us: the rotations still in progress are reported as such.
        }
    }

    private static string Describe(List<SimulatedDevice> fleet) =>
        $"connected {fleet.Count(d => d.State == SessionState.Connected)}/{fleet.Count}, signed {fleet.Sum(d => d.Collected)}, acknowledged {fleet.Sum(d => d.Acknowledged)}, restarts {fleet.Sum(d => d.Restarts)}";

    private static void ShowRotations(ProgressTask? task, FleetRotations? rotations)
    {
        if (task == null || rotations == null)
        {
            return;
        }

        task.MaxValue = Math.Max(1, rotations.Started);
        task.Value = rotations.Completed + rotations.Failed;
        task.Description = $"rotations: started {rotations.Started}, completed {rotations.Completed}, failed {rotations.Failed}, in progress {rotations.InProgress}";
    }

    private static void WriteSummary(IAnsiConsole console, List<SimulatedDevice> fleet, SimCounters counters, FleetRotations? rotations)
    {
        var table = new Table().Title("m2m sim summary").AddColumns("figure", "value");
        table.AddRow("devices", fleet.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("signed (sent to the outbox)", fleet.Sum(d => d.Collected).ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("published (PUBLISH packets, with resends)", counters.PublishedCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("acknowledged", fleet.Sum(d => d.Acknowledged).ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("refused", fleet.Sum(d => d.Refused).ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("dropped (outbox full)", fleet.Sum(d => d.Dropped).ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("connects", fleet.Sum(d => d.Connects).ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("reconnects", fleet.Sum(d => Math.Max(0, d.Connects - 1)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("restarts (asked for by the device)", fleet.Sum(d => d.Restarts).ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("acknowledged after a restart", fleet.Sum(d => d.AcknowledgedAfterRestart).ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("lost at a restart (outbox in RAM)", fleet.Sum(d => d.LostAtRestart).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (rotations != null)
        {
            table.AddRow("rotations started", rotations.Started.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("rotations completed", rotations.Completed.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("rotations failed or rolled back", rotations.Failed.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("rotations unfinished", rotations.InProgress.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("rotations skipped (previous one in progress)", rotations.Skipped.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var (reason, count) in rotations.FailureReasons.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape("rotation " + reason), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        foreach (var (reason, count) in counters.ByReason.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(reason), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        console.Write(table);
    }

    private static (string Host, int Port) ParseMqtt(string? value, string gatewayHost)
    {
        if (string.IsNullOrEmpty(value))
        {
            return (gatewayHost, 1883);
        }

        var colon = value.LastIndexOf(':');
        return colon < 0 ? (value, 1883) : (value[..colon], int.Parse(value[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
