using System.Collections.Concurrent;
using M2M.Gateway.Journal;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Stage 6: the replay rules of docs/protocol.md section 8 against the persisted high-water mark of
/// the device's credential generation. It takes the device's lock, held until the pipeline ends, so
/// that the check and the journal append of one device never interleave (two connections of one
/// device during a takeover).
/// </summary>
public sealed class CheckReplay(TelemetryJournal journal) : IPublishStage
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var device = context.Session.Device;
        var gate = _locks.GetOrAdd(device.DeviceId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        context.DeviceLock = new Release(gate);

        var signed = context.Message!;
        var mark = journal.GetMark(device.DeviceId, device.CredentialGeneration);
        var order = mark?.CompareTo(signed.Epoch, signed.Sequence) ?? (signed.Epoch == 0 && signed.Sequence == 0 ? 0 : -1);
        if (order < 0)
        {
            return null; // Rule 1: newer than the mark.
        }

        if (order == 0 && mark != null && string.Equals(mark.Signature, signed.SignatureText, StringComparison.Ordinal))
        {
            return PublishOutcome.Duplicate; // Rule 2: a redelivery of the last accepted message.
        }

        return PublishOutcome.Replayed; // Rule 3.
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
