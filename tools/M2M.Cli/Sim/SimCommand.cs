using System.CommandLine;
using System.Diagnostics;
using System.Text;
using M2M.Bench.Fleet;
using M2M.Cli.Common;
using M2M.Device.Core.Session;
using Spectre.Console;

namespace M2M.Cli.Sim;

/// <summary>
/// <c>m2m sim</c>: provisions N devices through the admin API, runs each on the real device core
/// (tokens, session, signed telemetry at a given rate), shows live progress and prints a summary.
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
        var command = new Command("sim", "Run simulated devices on the real device core against a gateway.")
        {
            mqtt, devices, rate, duration, tenant,
        };
        // --gateway and the admin key come from the global options (GlobalOptions), as for every command.
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var parse = context.ParseResult;
            var baseAddress = context.GatewayUrl;
            var (host, port) = ParseMqtt(parse.GetValue(mqtt), baseAddress.Host);
            var settings = new SimSettings(baseAddress, host, port, context.AdminKey(), parse.GetValue(devices), parse.GetValue(rate), parse.GetValue(duration), parse.GetValue(tenant)!);
            if (await RunAsync(settings, AnsiConsole.Console, context.CancellationToken).ConfigureAwait(false) != 0)
            {
                throw new CliException(ExitCodes.SimIncomplete, "sim: not every collected message was acknowledged (see the summary)");
            }
        }));
        return command;
    }

    public sealed record SimSettings(Uri Gateway, string MqttHost, int MqttPort, string AdminKey, int Devices, double Rate, TimeSpan Duration, string Tenant);

    /// <summary>Runs the simulation and prints its summary; 0 when every signed message was acknowledged.</summary>
    public static async Task<int> RunAsync(SimSettings settings, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var counters = new SimCounters();
        var prefix = $"sim-{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x}";
        using var api = new GatewayApi(settings.Gateway, settings.AdminKey);
        console.MarkupLineInterpolated($"provisioning {settings.Devices} devices ({prefix}-*) through the admin API");
        var provisioned = await api.ProvisionManyAsync(prefix, settings.Devices, settings.Tenant, cancellationToken).ConfigureAwait(false);
        var tokenEndpoint = new Uri(settings.Gateway, "/oauth2/token");
        var fleet = provisioned.Select(d => new SimulatedDevice(d.Id, d.Secret, tokenEndpoint, settings.MqttHost, settings.MqttPort, counters)).ToList();
        try
        {
            fleet.ForEach(d => d.Start());
            var interval = TimeSpan.FromSeconds(1 / settings.Rate);
            var clock = Stopwatch.StartNew();
            var next = TimeSpan.Zero;
            await console.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var run = progress.AddTask("publishing", maxValue: settings.Duration.TotalSeconds);
                    while (clock.Elapsed < settings.Duration && !cancellationToken.IsCancellationRequested)
                    {
                        if (clock.Elapsed >= next)
                        {
                            var payload = Encoding.UTF8.GetBytes($"{{\"t\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}");
                            fleet.ForEach(d => d.Collect(payload));
                            next += interval;
                        }

                        run.Value = clock.Elapsed.TotalSeconds;
                        run.Description = Describe(fleet);
                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp((next - clock.Elapsed).TotalMilliseconds, 1, 200)), cancellationToken).ConfigureAwait(false);
                    }

                    // Let the outboxes drain: every signed message acknowledged, refused or dropped.
                    var drain = Stopwatch.StartNew();
                    while (drain.Elapsed < TimeSpan.FromSeconds(30) && fleet.Sum(d => d.Acknowledged + d.Refused + d.Dropped) < fleet.Sum(d => d.Collected))
                    {
                        run.Description = "draining: " + Describe(fleet);
                        await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                    }

                    run.Value = run.MaxValue;
                    run.Description = Describe(fleet);
                }).ConfigureAwait(false);
            WriteSummary(console, fleet, counters);
            return fleet.Sum(d => d.Acknowledged) == fleet.Sum(d => d.Collected) ? 0 : 1;
        }
        finally
        {
            Parallel.ForEach(fleet, d => d.Dispose());
        }
    }

    private static string Describe(List<SimulatedDevice> fleet) =>
        $"connected {fleet.Count(d => d.State == SessionState.Connected)}/{fleet.Count}, signed {fleet.Sum(d => d.Collected)}, acknowledged {fleet.Sum(d => d.Acknowledged)}";

    private static void WriteSummary(IAnsiConsole console, List<SimulatedDevice> fleet, SimCounters counters)
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
