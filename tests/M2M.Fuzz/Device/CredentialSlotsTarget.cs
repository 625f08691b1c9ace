using M2M.Device.Core.Storage;

namespace M2M.Fuzz.Device;

/// <summary>
/// The credential's two flash slots as <see cref="CredentialStore.Load"/> reads them at boot
/// (docs/device-credential.md section 3): any bytes, torn or corrupted, in either slot. Checks that
/// a loaded credential is valid and is the newer intact slot's, that it encodes back to the same
/// record (decode(encode(x)) == x), and that a rotation torn by a power cut leaves the old
/// credential loadable, never none.
/// </summary>
public sealed class CredentialSlotsTarget : FuzzTarget
{
    private static readonly HashSet<string> ReasonSet = [.. Enum.GetNames<RecordStatus>()];

    public override string Name => "credential-slots";

    public override string Side => "device";

    public override IReadOnlySet<string> Reasons => ReasonSet;

    public override string Run(byte[] input)
    {
        var slots = SlotInput.Cut(input);
        var files = new MemoryFileStore();
        if (slots.A != null)
        {
            files.WriteAll(CredentialStore.SlotA, slots.A);
        }

        if (slots.B != null)
        {
            files.WriteAll(CredentialStore.SlotB, slots.B);
        }

        var store = new CredentialStore(files);
        var loaded = store.Load();
        if (loaded == null)
        {
            Expect(store.ActiveSlot == -1, "no credential but an active slot");
            return store.StatusA == RecordStatus.Valid ? store.StatusB.ToString() : store.StatusA.ToString();
        }

        Expect(loaded.Validate() == null, "a loaded credential that does not validate");
        var active = store.ActiveSlot == 0 ? store.StatusA : store.StatusB;
        Expect(active == RecordStatus.Valid, "a credential loaded from a slot that is not valid");
        var record = files.ReadAll(store.ActiveSlot == 0 ? CredentialStore.SlotA : CredentialStore.SlotB)!;
        Expect(CredentialRecord.Encode(loaded, store.Generation).AsSpan().SequenceEqual(record), "the loaded credential does not encode back to its record");

        // A rotation whose write the power cut: the next boot still finds the old credential.
        var generation = store.Generation;
        if (generation < uint.MaxValue)
        {
            var target = store.ActiveSlot == 0 ? CredentialStore.SlotB : CredentialStore.SlotA;
            store.Rotate(loaded);
            files.WriteAll(target, slots.Torn(files.ReadAll(target)!));
            var again = new CredentialStore(files);
            var after = again.Load();
            Expect(after != null && again.Generation == generation, "a torn rotation lost the credential");
        }

        return RecordStatus.Valid.ToString();
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzInvariantException("credential-slots: " + what);
        }
    }
}
