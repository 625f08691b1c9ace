namespace M2M.Gateway.Hosting;

/// <summary>Files in the data folder that hold protected material (key ring, CA): owner-only, replaced atomically.</summary>
public static class PrivateFile
{
    /// <summary>
    /// Writes <paramref name="content"/> to a temporary file readable only by its owner (on Unix),
    /// flushes it to disk and renames it over <paramref name="path"/>, so a crash leaves either the
    /// old file or the new one, never half of one.
    /// </summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
