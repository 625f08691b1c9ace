using System;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Storage
{
    /// <summary>
    /// The boot epoch (docs/protocol.md section 6.1, <c>m2m-epoch</c>): a counter persisted in two slots
    /// (docs/device-credential.md section 5) and incremented at every boot before the first publish.
    /// <see cref="Next"/> returns only once the new value is on the medium and read back, so no message
    /// is ever signed with an epoch that a power loss could hand out again.
    /// </summary>
    public sealed class BootEpoch
    {
        /// <summary>File name of slot A.</summary>
        public const string SlotA = "m2m-epoch-a.bin";

        /// <summary>File name of slot B.</summary>
        public const string SlotB = "m2m-epoch-b.bin";

        /// <summary>Magic of a boot epoch record.</summary>
        public const string Magic = "M2ME";

        /// <summary>Format version.</summary>
        public const byte Version = 1;

        private readonly IFileStore _files;

        public BootEpoch(IFileStore files)
        {
            if (files == null)
            {
                throw new ArgumentNullException(nameof(files));
            }

            _files = files;
        }

        /// <summary>The epoch this boot runs under (0 until <see cref="Next"/> succeeded).</summary>
        public uint Current { get; private set; }

        /// <summary>
        /// True when <see cref="Next"/> found no valid record and started again at 1: the storage was
        /// wiped, and the gateway will refuse this device's messages as replays until it is provisioned
        /// with a rotated secret (docs/protocol.md section 8).
        /// </summary>
        public bool StartedOver { get; private set; }

        /// <summary>Reads the last epoch, persists the next one in the other slot, and returns it.</summary>
        public uint Next()
        {
            var a = RecordFrame.Unwrap(_files.ReadAll(SlotA), Magic, Version);
            var b = RecordFrame.Unwrap(_files.ReadAll(SlotB), Magic, Version);
            var slot = RecordFrame.ChooseSlot(CheckEmpty(a), CheckEmpty(b));
            var last = slot == 0 ? a.Generation : slot == 1 ? b.Generation : 0;
            if (last == uint.MaxValue)
            {
                throw new InvalidOperationException("The boot epoch is exhausted; provision the device with a rotated secret.");
            }

            var next = last + 1;
            RecordFrame.WriteVerified(_files, slot == 0 ? SlotB : SlotA, RecordFrame.Wrap(Magic, Version, next, new byte[0]));
            StartedOver = slot < 0;
            Current = next;
            return next;
        }

        // The epoch record's body is empty: its generation field is the epoch.
        private static RecordFrame CheckEmpty(RecordFrame frame)
        {
            return frame.Status == RecordStatus.Valid && frame.Body!.Length != 0 ? frame.Reject() : frame;
        }
    }
}
