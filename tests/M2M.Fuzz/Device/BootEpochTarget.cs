using M2M.Device.Core.Storage;

namespace M2M.Fuzz.Device;

/// <summary>
/// The boot epoch's two flash slots as <see cref="BootEpoch.Next"/> reads them at every boot
/// (docs/protocol.md section 6.1, m2m-epoch): any bytes in either slot. Checks that the new epoch is
/// above every intact epoch record (an epoch is never used twice), that the following boot gives the
/// next one, and that a write torn by a power cut never makes a later boot go back.
/// </summary>
public sealed class BootEpochTarget : FuzzTarget
{
    /// <summary>The record's generation field is uint.MaxValue: the device must be provisioned again.</summary>
    public const string Exhausted = "epoch_exhausted";

    private static readonly HashSet<string> ReasonSet = ["next", Exhausted];

    public override string Name => "boot-epoch";

    public override string Side => "device";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        var slots = SlotInput.Cut(input);
        var files = new MemoryFileStore();
        var highest = 0u;
        foreach (var (name, bytes) in new[] { (BootEpoch.SlotA, slots.A), (BootEpoch.SlotB, slots.B) })
        {
            if (bytes != null)
            {
                files.WriteAll(name, bytes);
                var frame = RecordFrame.Unwrap(bytes, BootEpoch.Magic, BootEpoch.Version);
                if (frame.Status == RecordStatus.Valid && frame.Body!.Length == 0)
                {
                    highest = Math.Max(highest, frame.Generation);
                }
            }
        }

        uint first;
        try
        {
            first = new BootEpoch(files).Next();
        }
        catch (InvalidOperationException) when (highest == uint.MaxValue)
        {
            // BootEpoch refuses to wrap around to an epoch already used (its documented exception).
            return Exhausted;
        }

        Expect(first > highest, $"epoch {first} after an intact record of epoch {highest}");
        if (first == uint.MaxValue)
        {
            return "next";
        }

        // The next boot's write is torn: the boot after it still goes forward.
        var before = Snapshot(files);
        var second = new BootEpoch(files).Next();
        Expect(second == first + 1, $"epoch {second} after {first}");
        foreach (var name in new[] { BootEpoch.SlotA, BootEpoch.SlotB })
        {
            var written = files.ReadAll(name);
            if (written != null && !written.AsSpan().SequenceEqual(before.GetValueOrDefault(name)))
            {
                files.WriteAll(name, slots.Torn(written));
            }
        }

        var third = new BootEpoch(files).Next();
        Expect(third > first, $"epoch {third} after a torn write, though {first} was written intact");
        return "next";
    }

    private static Dictionary<string, byte[]> Snapshot(MemoryFileStore files)
    {
        var copy = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in new[] { BootEpoch.SlotA, BootEpoch.SlotB })
        {
            if (files.ReadAll(name) is { } bytes)
            {
                copy[name] = bytes;
            }
        }

        return copy;
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzInvariantException("boot-epoch: " + what);
        }
    }
}
