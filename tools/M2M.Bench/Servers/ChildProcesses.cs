using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace M2M.Bench.Servers;

/// <summary>
/// Every process the benchmark starts (servers, Mosquitto's subscriber, load generators), killed with
/// its children, and the temporary folders the servers write in, deleted, when the benchmark's own
/// process ends, however it ends: the end of a run or an exception (process exit), Ctrl-C, SIGTERM,
/// SIGHUP or SIGQUIT. The signals need handlers of their
/// own: .NET runs no exit handler when a signal's default action ends the process, and
/// System.CommandLine, on Ctrl-C, returns after its termination timeout without unwinding the run.
/// An interrupted run of several minutes must not leave a gateway, a Mosquitto or a generator
/// holding ports, files and CPU behind, nor gigabytes of journal and sink files.
/// </summary>
public static class ChildProcesses
{
    private static readonly List<Process> Started = [];
    private static readonly List<string> Folders = [];

    // Kept for the life of the process: a registration that is collected stops handling its signal.
    // The handlers leave the signal's default action (the process ends) as it is.
    private static readonly PosixSignalRegistration[] Signals =
        [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }.Select(signal => PosixSignalRegistration.Create(signal, _ => KillAll()))];

    static ChildProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    /// <summary>Starts <paramref name="info"/> and keeps the process for the exit; throws when it does not start.</summary>
    public static Process Start(ProcessStartInfo info, string name)
    {
        ArgumentNullException.ThrowIfNull(info);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{name} did not start");
        lock (Started)
        {
            Started.Add(process);
        }

        return process;
    }

    /// <summary>Creates a temporary folder (prefix <paramref name="prefix"/>) that is deleted when the benchmark ends, if it still exists.</summary>
    public static string CreateFolder(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix).FullName;
        lock (Started)
        {
            Folders.Add(folder);
        }

        return folder;
    }

    private static void KillAll()
    {
        Process[] all;
        string[] folders;
        lock (Started)
        {
            all = [.. Started];
            folders = [.. Folders];
        }

        foreach (var process in all)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
            {
                // Disposed, already gone, or not ours to kill any more.
            }
        }

        foreach (var process in all)
        {
            try
            {
                // Killed: its files are closed once it has exited.
                process.WaitForExit(5_000);
            }
            catch (Exception e) when (e is InvalidOperationException or Win32Exception)
            {
                // Disposed or gone.
            }
        }

        foreach (var folder in folders.Where(Directory.Exists))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: the process is ending.
            }
        }
    }
}
