using System.CommandLine;
using M2M.Cli.Clients;
using M2M.Cli.Common;
using M2M.Cli.Devices;
using M2M.Cli.Keys;
using M2M.Cli.Provisioning;
using M2M.Cli.Sinks;
using M2M.Cli.Tokens;

namespace M2M.Cli;

/// <summary>The <c>m2m</c> command tree. Each command group lives in its own folder and adds itself here.</summary>
public static class CliApp
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "m2m: manage M2M.Device devices and gateways (devices, API keys, tokens, relay sinks, provisioning, flashing, simulation, benchmarks).\n"
            + ExitCodes.Help);
        GlobalOptions.AddTo(root);
        var device = DeviceCommands.Build();
        device.Subcommands.Add(ProvisionCommand.Create());
        device.Subcommands.Add(FlashCommand.Create());
        root.Subcommands.Add(device);
        root.Subcommands.Add(KeyCommands.Build());
        root.Subcommands.Add(ClientCommands.Build());
        root.Subcommands.Add(Policies.PolicyCommands.Build());
        root.Subcommands.Add(TokenCommands.Build());
        root.Subcommands.Add(SinkCommands.Build());
        root.Subcommands.Add(Bench.BenchCommand.Create());
        root.Subcommands.Add(Sim.SimCommand.Create());
        return root;
    }
}
