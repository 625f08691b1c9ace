using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace M2M.Bench.Servers;

/// <summary>
/// Forces a full garbage collection in another .NET process from outside, the way dotnet-gcdump
/// does: an EventPipe session (the runtime's diagnostic port, no code in the gateway) enabling the
/// runtime provider's GCHeapCollect keyword makes the runtime run a blocking gen 2 GC at once. The GC
/// events of the same session prove it happened.
/// </summary>
public static class ManagedGc
{
    /// <summary>Returns the number of the forced GC once its GCStop event was seen.</summary>
    public static async Task<int> ForceFullCollectionAsync(int pid, TimeSpan timeout)
    {
        var client = new DiagnosticsClient(pid);
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        using var session = client.StartEventPipeSession([new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords)], requestRundown: false, circularBufferMB: 16);
        var forced = -1;
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var source = new EventPipeEventSource(session.EventStream);
        source.Clr.GCStart += e =>
        {
            if (e.Depth == 2 && e.Reason.ToString().StartsWith("Induced", StringComparison.Ordinal))
            {
                Volatile.Write(ref forced, e.Count);
            }
        };
        source.Clr.GCStop += e =>
        {
            if (e.Count == Volatile.Read(ref forced))
            {
                done.TrySetResult(e.Count);
            }
        };
        var processing = Task.Run(source.Process);
        var finished = await Task.WhenAny(done.Task, Task.Delay(timeout)).ConfigureAwait(false);
        await session.StopAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await processing.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or EndOfStreamException)
        {
            // The stream ends with the session.
        }

        return finished == done.Task ? await done.Task.ConfigureAwait(false) : throw new TimeoutException($"no forced gen 2 GC in process {pid} within {timeout}");
    }
}
