namespace M2M.Gateway.Hosting;

/// <summary>
/// The one way the gateway creates a file or folder in its data folder: files readable and writable
/// by their owner only (0600), folders 0700, on Unix. Whatever the process umask allows, nobody but
/// the gateway's account reads the registry, the journal, the used assertion ids, the audit log or
/// the relayed telemetry. Missing folders are created only where a caller asks (a configured path
/// such as the relay's file may name a subfolder); otherwise a data folder that vanished under a
/// running gateway is an error, not something to recreate empty.
/// </summary>
public static class PrivateFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> and its missing parents, owner-only; an existing folder keeps its mode.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerFolder);
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> as <see cref="FileStream"/> does. A file this creates is owner-only,
    /// and so are its missing folders when <paramref name="createFolders"/>. A file that
    /// <see cref="FileMode.Create"/> or <see cref="FileMode.Truncate"/> empties is narrowed to
    /// owner-only too: its old content is gone, and with it any reason for a wider mode. A file opened
    /// for appending or reading keeps the mode an operator may have given it.
    /// </summary>
    public static FileStream Open(string path, FileMode mode, FileAccess access, FileShare share = FileShare.None, FileOptions options = FileOptions.None, bool createFolders = false)
    {
        if (createFolders)
        {
            CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }

        var streamOptions = new FileStreamOptions { Mode = mode, Access = access, Share = share, Options = options };
        if (OperatingSystem.IsWindows())
        {
            return new FileStream(path, streamOptions);
        }

        // open(2) applies the mode only when it creates the file.
        streamOptions.UnixCreateMode = OwnerReadWrite;
        var stream = new FileStream(path, streamOptions);
        if (mode is FileMode.Create or FileMode.Truncate)
        {
            File.SetUnixFileMode(stream.SafeFileHandle, OwnerReadWrite);
        }

        return stream;
    }

    /// <summary>
    /// Creates an empty owner-only file at <paramref name="path"/> unless one exists. For SQLite
    /// databases: SQLite creates a missing file with the umask's mode (often 0644), but gives the
    /// <c>-wal</c> and <c>-shm</c> files it adds the mode of the database file, so a database file
    /// created here first keeps all three owner-only. Its missing folders are created (0700) when
    /// <paramref name="createFolders"/>.
    /// </summary>
    public static void CreateIfMissing(string path, bool createFolders = false)
    {
        if (File.Exists(path))
        {
            return;
        }

        try
        {
            using var _ = Open(path, FileMode.CreateNew, FileAccess.Write, createFolders: createFolders);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Created concurrently (another connection, another instance): that file is used.
        }
    }

    /// <summary>
    /// Writes <paramref name="content"/> to a temporary owner-only file, flushes it to disk and renames
    /// it over <paramref name="path"/>, so a crash leaves either the old file or the new one, never half
    /// of one.
    /// </summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        var temporary = path + ".tmp";
        using (var stream = Open(temporary, FileMode.Create, FileAccess.Write))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
