using System.CommandLine;
using M2M.Cli.Common;

namespace M2M.Cli.Provisioning;

/// <summary>
/// <c>m2m device flash</c>: writes the nanoFramework runtime for the chosen board and the
/// application's deployment image with nanoff, in the command line of the installed nanoff
/// (<see cref="NanoffSyntax"/>): <c>flash</c> then <c>deploy</c> from 3.0, one
/// <c>--update --deploy --image</c> run before.
/// </summary>
public static class FlashCommand
{
    private static readonly Option<string> Target = new("--target") { Description = "nanoff target: " + string.Join(", ", EspTargets.Known.Keys) + ".", Required = true };
    private static readonly Option<string> SerialPort = new("--serial-port") { Description = "Serial port of the board (e.g. /dev/ttyUSB0, COM3).", Required = true };
    private static readonly Option<FileInfo> Image = new("--image") { Description = "The application's deployment image (M2M.Device.Esp32.bin from the nanoFramework build).", Required = true };
    private static readonly Option<string?> FirmwareVersion = new("--fw-version") { Description = "nanoFramework firmware version (default: nanoff's latest stable)." };
    private static readonly Option<bool> MassErase = new("--mass-erase") { Description = "Erase the whole flash first: also erases I:\\ (credential, boot epoch); re-provision with a rotated secret afterwards." };
    private static readonly Option<FileInfo?> NanoffPath = new("--nanoff") { Description = "Path to nanoff (default: found on PATH)." };

    /// <summary>The command.</summary>
    public static Command Create()
    {
        var command = new Command("flash", "Flash the nanoFramework runtime and the M2M.Device application to a board with nanoff.")
        {
            Target, SerialPort, Image, FirmwareVersion, MassErase, NanoffPath,
        };
        command.SetAction(GlobalOptions.Run(RunAsync));
        return command;
    }

    private static async Task RunAsync(CommandContext context)
    {
        var result = context.ParseResult;
        var target = result.GetValue(Target)!;
        var image = result.GetValue(Image)!;
        if (!EspTargets.Known.TryGetValue(target, out var board))
        {
            var retired = EspTargets.Retired.TryGetValue(target, out var replacement)
                ? $"'{target}' is no longer built by nanoFramework: use {replacement}"
                : $"unknown target '{target}'";
            throw new CliException(ExitCodes.Usage, $"{retired}. Known: {string.Join(", ", EspTargets.Known.Keys)} (nanoff list targets platform esp32 lists all)");
        }

        if (!image.Exists || !image.Name.EndsWith(".bin", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException(ExitCodes.Usage, $"{image.FullName} is not a deployment image (.bin). Build the firmware (hardware.md) and pass bin/Release/M2M.Device.Esp32.bin");
        }

        var nanoff = Nanoff.Require(result.GetValue(NanoffPath)?.FullName);
        var syntax = await nanoff.DetectSyntaxAsync(context.CancellationToken).ConfigureAwait(false);
        var runs = syntax.FlashAndDeploy(target, result.GetValue(SerialPort)!, image.FullName, result.GetValue(FirmwareVersion), result.GetValue(MassErase));
        await context.Output.WriteLineAsync($"[1/1] Flashing nanoFramework ({target}: {board}) and {image.Name} with {syntax.Description}").ConfigureAwait(false);
        await nanoff.RunAllOrFailAsync(runs, context.Output, "If the board does not enter download mode, hold its BOOT button while nanoff connects.", context.CancellationToken).ConfigureAwait(false);
        await context.Output.WriteLineAsync("Done. Next: m2m device provision (hardware.md, step 5).").ConfigureAwait(false);
    }
}
