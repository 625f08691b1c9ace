using System.Diagnostics;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// A small tmpfs mounted for one test (root only), to run out of disk space on purpose: fill it
/// with <see cref="Fill"/> until only a little is left, free it with <see cref="Free"/>.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    private string Filler => System.IO.Path.Combine(Path, "filler");

    /// <summary>True when this process may mount (root on Linux); tests that need it use <see cref="RootOnLinuxFactAttribute"/>.</summary>
    public static bool CanMount => OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess;

    public static SmallDisk Mount(int kilobytes)
    {
        var path = Directory.CreateTempSubdirectory("m2m-disk-").FullName;
        Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k,mode=0700", "tmpfs", path);
        return new SmallDisk(path);
    }

    /// <summary>Writes a filler file until only <paramref name="bytesLeft"/> (about) are free.</summary>
    public void Fill(long bytesLeft)
    {
        var free = new DriveInfo(Path).AvailableFreeSpace;
        using var file = new FileStream(Filler, FileMode.Create, FileAccess.Write);
        file.SetLength(Math.Max(0, free - bytesLeft));
        var block = new byte[64 * 1024];
        for (long written = 0; written < file.Length; written += block.Length)
        {
            // tmpfs allocates on write, not on SetLength.
            file.Write(block, 0, (int)Math.Min(block.Length, file.Length - written));
        }
    }

    /// <summary>Deletes the filler file.</summary>
    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        Run("umount", "-l", Path);
        Directory.Delete(Path);
    }

    private static void Run(string command, params string[] arguments)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed ({process.ExitCode}): {error}");
        }
    }
}

/// <summary>A fact that needs root on Linux (to mount a <see cref="SmallDisk"/>); skipped, and reported so, elsewhere.</summary>
public sealed class RootOnLinuxFactAttribute : FactAttribute
{
    public RootOnLinuxFactAttribute()
    {
        if (!SmallDisk.CanMount)
        {
            Skip = "Needs root on Linux to mount a small tmpfs (run the tests as root, as CI does).";
        }
    }
}
