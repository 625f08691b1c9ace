using System.CommandLine;
using M2M.Cli.Provisioning;

namespace M2M.Cli;

/// <summary>The <c>m2m</c> command tree. Each command group lives in its own folder and adds itself here.</summary>
public static class CliApp
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "m2m: manage M2M.Device devices and gateways (devices, tokens, provisioning, flashing, simulation, benchmarks).");
        var device = new Command("device", "Devices: register, list, disable, rotate, provision and flash boards.");
        device.Add(ProvisionCommand.Create());
        device.Add(FlashCommand.Create());
        root.Add(device);
        return root;
    }
}
