using System;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Storage;

namespace M2M.Device.Core.Commands
{
    /// <summary>
    /// The last command the device accepted: its sequence number and the signed result it answered,
    /// in two slots like the boot epoch (docs/device-credential.md section 5), so that a power loss
    /// never lets a command run twice or a stale one run late (docs/protocol.md section 11.4).
    /// <see cref="Record"/> returns only once the record is on the medium and read back.
    /// </summary>
    public sealed class CommandJournal
    {
        /// <summary>File name of slot A.</summary>
        public const string SlotA = "m2m-cmd-a.bin";

        /// <summary>File name of slot B.</summary>
        public const string SlotB = "m2m-cmd-b.bin";

        /// <summary>Magic of a command record.</summary>
        public const string Magic = "M2MC";

        /// <summary>Format version.</summary>
        public const byte Version = 1;

        private readonly IFileStore _files;
        private int _slot = -2;
        private uint _last;
        private byte[]? _lastResult;

        public CommandJournal(IFileStore files)
        {
            _files = files ?? throw new ArgumentNullException(nameof(files));
        }

        /// <summary>The sequence number of the last accepted command, 0 if none.</summary>
        public uint LastSequence
        {
            get
            {
                Load();
                return _last;
            }
        }

        /// <summary>The result payload answered to the last accepted command, null if none.</summary>
        public byte[]? LastResult
        {
            get
            {
                Load();
                return _lastResult;
            }
        }

        /// <summary>Persists <paramref name="sequence"/> and its result in the slot not holding the current record.</summary>
        public void Record(uint sequence, byte[] result)
        {
            Load();
            var target = _slot == 0 ? SlotB : SlotA;
            RecordFrame.WriteVerified(_files, target, RecordFrame.Wrap(Magic, Version, sequence, result));
            _slot = _slot == 0 ? 1 : 0;
            _last = sequence;
            _lastResult = result;
        }

        private void Load()
        {
            if (_slot != -2)
            {
                return;
            }

            var a = RecordFrame.Unwrap(_files.ReadAll(SlotA), Magic, Version);
            var b = RecordFrame.Unwrap(_files.ReadAll(SlotB), Magic, Version);
            _slot = RecordFrame.ChooseSlot(a, b);
            var current = _slot == 0 ? a : _slot == 1 ? b : null;
            _last = current == null ? 0 : current.Generation;
            _lastResult = current == null ? null : current.Body;
        }
    }
}
