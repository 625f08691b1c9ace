namespace M2M.Provisioning.Tests.Support;

/// <summary>
/// A stand-in for nanoff: a shell script that records each command line and, for every JSON
/// descriptor it is given, copies the descriptor's folder (the descriptor and the files it names)
/// before the provisioning deletes it. Exits with the code the test chose. Asked <c>--version</c>
/// (or 3.x's bare <c>version</c>), it prints the version line of the nanoff it stands for and records
/// nothing: 3.x prints its header (".NET nanoFramework Firmware Flasher v3.0.12+..."), 2.x its
/// command-line parser's heading ("nanoff 2.5.90+...").
/// </summary>
public sealed class StandInNanoff : IDisposable
{
    /// <summary>The last release with dashed options.</summary>
    public const string DashedVersion = "2.5.90+c66e018c48";

    /// <summary>A release with verbs.</summary>
    public const string VerbsVersion = "3.0.12+06913d2d65";

    public StandInNanoff(int exitCode = 0, string version = DashedVersion)
    {
        var versionLine = version.StartsWith("2.", StringComparison.Ordinal)
            ? "nanoff " + version
            : ".NET nanoFramework Firmware Flasher v" + version;
        Folder = Directory.CreateTempSubdirectory("m2m-nanoff-").FullName;
        Path = System.IO.Path.Combine(Folder, "nanoff");
        File.WriteAllText(Path, $$"""
            #!/bin/sh
            here="$(dirname "$0")"
            case "$1" in
              --version|version) echo "{{versionLine}}"; exit 0 ;;
            esac
            printf '%s\n' "$*" >> "$here/calls.log"
            n=$(wc -l < "$here/calls.log" | tr -d ' ')
            for a in "$@"; do
              case "$a" in
                *.json) mkdir -p "$here/call$n"; cp "$(dirname "$a")"/* "$here/call$n/" ;;
              esac
            done
            echo "stand-in nanoff: done"
            exit {{exitCode}}
            """.Replace("\r", string.Empty, StringComparison.Ordinal));
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Folder { get; }

    public string Path { get; }

    /// <summary>Each command line nanoff was run with, in order.</summary>
    public IReadOnlyList<string> Calls =>
        File.Exists(System.IO.Path.Combine(Folder, "calls.log")) ? File.ReadAllLines(System.IO.Path.Combine(Folder, "calls.log")) : [];

    /// <summary>The copy of the deployment folder taken at call <paramref name="number"/> (1-based).</summary>
    public string CopyOfCall(int number) => System.IO.Path.Combine(Folder, "call" + number);

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
    }
}
