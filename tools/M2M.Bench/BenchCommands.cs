using System.CommandLine;
using M2M.Bench.Scenarios;
using M2M.Bench.Servers;
using Spectre.Console;

namespace M2M.Bench;

/// <summary>The benchmark's commands; also mounted as <c>m2m bench</c>.</summary>
public static class BenchCommands
{
    /// <summary><c>compare</c>: runs the scenarios against the gateway and Mosquitto and prints the ratio table.</summary>
    public static Command Compare()
    {
        var devices = new Option<int>("--devices") { Description = "Devices publishing in the throughput scenario.", DefaultValueFactory = _ => 100 };
        var messages = new Option<int>("--messages") { Description = "QoS 1 messages per device (one in flight per device).", DefaultValueFactory = _ => 200 };
        var payload = new Option<int>("--payload-bytes") { Description = "Payload size of each message.", DefaultValueFactory = _ => 64 };
        var storm = new Option<int>("--storm-devices") { Description = "Devices in the connection storm and the token issuance scenario.", DefaultValueFactory = _ => 2000 };
        var idle = new Option<int[]>("--idle") { Description = "Idle connection counts at which memory is read.", DefaultValueFactory = _ => [1000, 5000, 10000], AllowMultipleArgumentsPerToken = true };
        var parallel = new Option<int>("--parallel") { Description = "Requests or connects in flight at once.", DefaultValueFactory = _ => 64 };
        var scenarios = new Option<string[]>("--scenario") { Description = "Scenarios to run (throughput, storm, idle, tokens); default all.", AllowMultipleArgumentsPerToken = true };
        var gatewayDll = new Option<string?>("--gateway-dll") { Description = "The built M2M.Gateway.dll (default: found under gateway/M2M.Gateway/bin)." };
        var command = new Command("compare", "Run the gateway and Mosquitto side by side on loopback and print the ratio table.")
        {
            devices, messages, payload, storm, idle, parallel, scenarios, gatewayDll,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dll = parse.GetValue(gatewayDll) ?? GatewayServer.FindBuiltGateway()
                ?? throw new InvalidOperationException("M2M.Gateway.dll not found: build gateway/M2M.Gateway or pass --gateway-dll.");
            var chosen = parse.GetValue(scenarios);
            var options = new BenchOptions
            {
                Devices = parse.GetValue(devices),
                MessagesPerDevice = parse.GetValue(messages),
                PayloadBytes = parse.GetValue(payload),
                StormDevices = parse.GetValue(storm),
                IdleCounts = parse.GetValue(idle)!,
                Parallel = parse.GetValue(parallel),
                GatewayDll = dll,
                Scenarios = chosen is { Length: > 0 } ? new HashSet<string>(chosen) : new BenchOptions { GatewayDll = dll }.Scenarios,
            };
            var console = AnsiConsole.Console;
            var results = await new BenchRunner(options, console).RunAsync(cancellationToken).ConfigureAwait(false);
            ResultTable.Write(console, results);
            return 0;
        });
        return command;
    }
}
