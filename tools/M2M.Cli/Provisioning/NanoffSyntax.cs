using System.Globalization;
using System.Text.RegularExpressions;

namespace M2M.Cli.Provisioning;

/// <summary>
/// The two command lines nanoff has had, and the argument lists of the operations m2m needs in each.
/// Read from nanoframework/nanoFirmwareFlasher: up to 2.x (branch main, nanoFirmwareFlasher.Tool/Options.cs)
/// one flat command with dashed options (<c>--update --deploy --image --filedeployment
/// --networkdeployment</c>); from 3.0 (pull request #374, "Refactor options to use verbs") a verb
/// followed by keyword/value pairs (nanoFirmwareFlasher.Tool/Verbs/*.cs): <c>flash</c> writes the
/// firmware, <c>deploy</c> writes an application <c>image</c>, a <c>file</c> deployment or a
/// <c>network</c> deployment (exactly one per run), so a firmware update and an application deploy
/// are two runs.
/// </summary>
public sealed partial class NanoffSyntax
{
    /// <summary>The first nanoff major version with verbs.</summary>
    public const int FirstVerbsMajor = 3;

    private NanoffSyntax(Version version)
    {
        Version = version;
    }

    /// <summary>The nanoff version the syntax is for.</summary>
    public Version Version { get; }

    /// <summary>True from nanoff 3.0 on (verbs and keywords), false before (dashed options).</summary>
    public bool UsesVerbs => Version.Major >= FirstVerbsMajor;

    /// <summary>A name for progress output.</summary>
    public string Description => UsesVerbs ? $"nanoff {Version} (verbs)" : $"nanoff {Version} (dashed options)";

    /// <summary>
    /// The syntax of the nanoff whose <c>--version</c> printed <paramref name="versionOutput"/>:
    /// 3.x prints ".NET nanoFramework Firmware Flasher v3.0.12+abc" (Program.cs, _headerInfo), 2.x
    /// the heading of its command-line parser ("nanoff 2.5.90+c66e018c48"). Null when no version is
    /// in it.
    /// </summary>
    public static NanoffSyntax? FromVersionOutput(string versionOutput)
    {
        ArgumentNullException.ThrowIfNull(versionOutput);
        var match = VersionPattern().Match(versionOutput);
        return match.Success
            ? new NanoffSyntax(new Version(
                int.Parse(match.Groups["major"].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups["minor"].Value, CultureInfo.InvariantCulture),
                match.Groups["patch"].Success ? int.Parse(match.Groups["patch"].Value, CultureInfo.InvariantCulture) : 0))
            : null;
    }

    /// <summary>
    /// The runs that write the runtime for <paramref name="target"/> and then deploy <paramref name="image"/>:
    /// one run with dashed options, two (flash, deploy) with verbs.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> FlashAndDeploy(string target, string serialPort, string image, string? firmwareVersion, bool massErase)
    {
        if (UsesVerbs)
        {
            var flash = new List<string> { "flash", "target", target, "serialport", serialPort };
            if (massErase)
            {
                flash.Add("masserase");
            }

            if (firmwareVersion != null)
            {
                flash.AddRange(["fwversion", firmwareVersion]);
            }

            // In the flash verb "image" is a custom CLR binary; the application goes to deploy.
            return [flash, ["deploy", "target", target, "serialport", serialPort, "image", image]];
        }

        var arguments = new List<string> { "--target", target, "--serialport", serialPort, "--update" };
        if (massErase)
        {
            arguments.Add("--masserase");
        }

        if (firmwareVersion != null)
        {
            arguments.AddRange(["--fwversion", firmwareVersion]);
        }

        arguments.AddRange(["--deploy", "--image", image]);
        return [arguments];
    }

    /// <summary>The run that writes the files a file-deployment descriptor lists to the board's drive.</summary>
    public IReadOnlyList<string> DeployFiles(string serialPort, string descriptor) =>
        UsesVerbs
            ? ["deploy", "file", descriptor, "serialport", serialPort]
            : ["--serialport", serialPort, "--filedeployment", descriptor];

    /// <summary>The run that writes a network-deployment descriptor (Wi-Fi profile, CA certificate) to the board's configuration.</summary>
    public IReadOnlyList<string> DeployNetwork(string serialPort, string descriptor) =>
        UsesVerbs
            ? ["deploy", "network", descriptor, "serialport", serialPort]
            : ["--serialport", serialPort, "--networkdeployment", descriptor];

    [GeneratedRegex(@"(?<![\d.])v?(?<major>\d+)\.(?<minor>\d+)(?:\.(?<patch>\d+))?", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
