using System;
using System.IO;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Storage
{
    /// <summary>
    /// The device credential in two slots, A and B (docs/device-credential.md section 4). The credential
    /// in force is the valid record with the higher generation. A rotation writes the new credential,
    /// one generation higher, into the other slot and reads it back; it never touches the slot in force,
    /// so a power loss at any moment leaves the old credential (write incomplete) or the new one
    /// (write complete) and never neither.
    /// </summary>
    public sealed class CredentialStore
    {
        /// <summary>File name of slot A.</summary>
        public const string SlotA = "m2m-cred-a.bin";

        /// <summary>File name of slot B.</summary>
        public const string SlotB = "m2m-cred-b.bin";

        private readonly IFileStore _files;

        public CredentialStore(IFileStore files)
        {
            if (files == null)
            {
                throw new ArgumentNullException(nameof(files));
            }

            _files = files;
            StatusA = RecordStatus.Missing;
            StatusB = RecordStatus.Missing;
        }

        /// <summary>What the last <see cref="Load"/> found in slot A.</summary>
        public RecordStatus StatusA { get; private set; }

        /// <summary>What the last <see cref="Load"/> found in slot B.</summary>
        public RecordStatus StatusB { get; private set; }

        /// <summary>Generation of the credential the last <see cref="Load"/> returned (0: none).</summary>
        public uint Generation { get; private set; }

        /// <summary>Slot of that credential: 0 (A), 1 (B) or -1 (none).</summary>
        public int ActiveSlot { get; private set; } = -1;

        /// <summary>
        /// True when the last <see cref="Load"/> found the credential in force on probation: the other slot
        /// holds a valid credential of a lower generation (written by an over-the-air rotation,
        /// docs/protocol.md section 12.5, and not yet <see cref="Commit"/>ted). Until the gateway grants a
        /// token under it, <see cref="Abandon"/> can return to the previous one.
        /// </summary>
        public bool Provisional { get; private set; }

        /// <summary>Reads both slots and returns the credential in force, or null when neither slot holds a valid one.</summary>
        public DeviceCredential? Load()
        {
            DeviceCredential? a;
            DeviceCredential? b;
            var frameA = CredentialRecord.Decode(_files.ReadAll(SlotA), out a);
            var frameB = CredentialRecord.Decode(_files.ReadAll(SlotB), out b);
            StatusA = frameA.Status;
            StatusB = frameB.Status;
            ActiveSlot = RecordFrame.ChooseSlot(frameA, frameB);
            Generation = ActiveSlot == 0 ? frameA.Generation : ActiveSlot == 1 ? frameB.Generation : 0;
            var otherFrame = ActiveSlot == 0 ? frameB : frameA;
            Provisional = ActiveSlot >= 0 && otherFrame.Status == RecordStatus.Valid && otherFrame.Generation < Generation;
            var chosen = ActiveSlot == 0 ? a : ActiveSlot == 1 ? b : null;
            var other = ActiveSlot == 0 ? b : a;
            if (other != null && other != chosen)
            {
                other.Clear();
            }

            return chosen;
        }

        /// <summary>
        /// Replaces the credential in force: writes <paramref name="credential"/> with the next generation
        /// into the slot not in force, verifies it, and returns the new generation. If the call does not
        /// return (power loss, IOException), the previous credential stays in force.
        /// </summary>
        public uint Rotate(DeviceCredential credential)
        {
            var current = Load();
            if (current != null)
            {
                current.Clear();
            }

            if (Generation == uint.MaxValue)
            {
                throw new InvalidOperationException("The credential generation is exhausted; provision the device again.");
            }

            var generation = Generation + 1;
            var target = ActiveSlot == 0 ? SlotB : SlotA;
            RecordFrame.WriteVerified(_files, target, CredentialRecord.Encode(credential, generation));
            Provisional = ActiveSlot >= 0;
            ActiveSlot = target == SlotA ? 0 : 1;
            Generation = generation;
            return generation;
        }

        /// <summary>
        /// Ends the probation of the credential in force (the gateway accepted it): copies its record over
        /// the other slot, so both hold it and nothing older can be returned to. A power loss during the
        /// copy tears only the other slot, which leaves the credential in force alone and valid.
        /// </summary>
        public void Commit()
        {
            var activeName = ActiveSlot == 0 ? SlotA : SlotB;
            var record = _files.ReadAll(activeName);
            DeviceCredential? check;
            if (ActiveSlot < 0 || record == null || CredentialRecord.Decode(record, out check).Status != RecordStatus.Valid)
            {
                throw new IOException("The credential in force could not be read back.");
            }

            check!.Clear();
            RecordFrame.WriteVerified(_files, ActiveSlot == 0 ? SlotB : SlotA, record);
            Array.Clear(record, 0, record.Length);
            Provisional = false;
        }

        /// <summary>
        /// Gives up a provisional credential (the gateway refused it): deletes its slot, so the previous
        /// credential is in force again at the next <see cref="Load"/>. False when the credential in force
        /// is not provisional (nothing to return to: it stays).
        /// </summary>
        public bool Abandon()
        {
            if (!Provisional)
            {
                return false;
            }

            var name = ActiveSlot == 0 ? SlotA : SlotB;
            _files.Delete(name);
            if (_files.Exists(name))
            {
                throw new IOException("The refused credential could not be removed.");
            }

            // Known again at the next Load (the device restarts into it).
            Provisional = false;
            ActiveSlot = -1;
            Generation = 0;
            return true;
        }

        /// <summary>
        /// Provisioning: writes the credential as generation 1 into both slots, so nothing stale (a higher
        /// generation from an earlier provisioning) can outrank it. The provisioning tool writes the same
        /// bytes (<see cref="CredentialRecord.Encode"/>) to both files when it deploys them with nanoff.
        /// </summary>
        public void Provision(DeviceCredential credential)
        {
            var record = ProvisioningRecord(credential);
            RecordFrame.WriteVerified(_files, SlotA, record);
            RecordFrame.WriteVerified(_files, SlotB, record);
            ActiveSlot = 0;
            Generation = 1;
            Provisional = false;
        }

        /// <summary>
        /// The bytes <see cref="Provision"/> writes into each slot (generation 1): what a provisioning
        /// tool deploys as both <see cref="SlotA"/> and <see cref="SlotB"/>.
        /// </summary>
        public static byte[] ProvisioningRecord(DeviceCredential credential)
        {
            return CredentialRecord.Encode(credential, 1);
        }

        /// <summary>Removes the credential (both slots): the device is unprovisioned.</summary>
        public void Erase()
        {
            _files.Delete(SlotA);
            _files.Delete(SlotB);
            if (_files.Exists(SlotA) || _files.Exists(SlotB))
            {
                throw new IOException("The credential could not be erased.");
            }

            ActiveSlot = -1;
            Generation = 0;
        }
    }
}
