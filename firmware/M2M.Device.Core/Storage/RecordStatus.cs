namespace M2M.Device.Core.Storage
{
    /// <summary>Why a stored record was or was not accepted (stable codes, for logs and tests).</summary>
    public enum RecordStatus
    {
        /// <summary>The record is complete and intact.</summary>
        Valid,

        /// <summary>No file.</summary>
        Missing,

        /// <summary>Shorter than its header says: a torn write.</summary>
        Truncated,

        /// <summary>Not a record of this kind (wrong magic).</summary>
        WrongMagic,

        /// <summary>A format version this firmware does not read.</summary>
        UnsupportedVersion,

        /// <summary>Lengths that do not add up (too long, trailing bytes).</summary>
        BadLength,

        /// <summary>The CRC-32 does not match: a torn or corrupted write.</summary>
        BadChecksum,

        /// <summary>Intact, but a field breaks the format's rules (e.g. a device id that is not one).</summary>
        InvalidContent,
    }
}
