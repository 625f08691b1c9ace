using System.CommandLine;

namespace M2M.Cli;

/// <summary>The <c>m2m</c> command tree. Each command group lives in its own folder and adds itself here.</summary>
public static class CliApp
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "m2m: manage M2M.Device devices and gateways (devices, tokens, provisioning, flashing, simulation, benchmarks).");
        root.Add(Bench.BenchCommand.Create());
        root.Add(Sim.SimCommand.Create());
        return root;
    }
}
