using System;
using System.IO;
using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Host.Platform;

/// <summary>
/// The device's files in a host directory that only its owner can enter (mode 0700), each file
/// readable and writable by its owner only (mode 0600): the credential holds the device secret.
/// Writes are flushed through to the disk (fsync) before returning.
/// </summary>
public sealed class HostFileStore : IFileStore
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly string _directory;

    /// <summary>Uses (and creates, owner-only) <paramref name="directory"/>.</summary>
    public HostFileStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = Path.GetFullPath(directory);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_directory);
        }
        else
        {
            Directory.CreateDirectory(_directory, OwnerOnlyDirectory);
        }
    }

    /// <inheritdoc />
    public bool Exists(string name) => File.Exists(PathOf(name));

    /// <inheritdoc />
    public byte[]? ReadAll(string name)
    {
        try
        {
            return File.ReadAllBytes(PathOf(name));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void WriteAll(string name, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var path = PathOf(name);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(data, 0, data.Length);
            stream.Flush(flushToDisk: true);
        }

        // UnixCreateMode applies only when the file is created; a file that existed keeps its mode.
        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(path) != OwnerOnlyFile)
        {
            File.SetUnixFileMode(path, OwnerOnlyFile);
        }
    }

    /// <inheritdoc />
    public void Delete(string name) => File.Delete(PathOf(name));

    private string PathOf(string name)
    {
        // Names are plain file names: nothing may step out of the directory.
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' || c == '.' || c == '_') || name.StartsWith('.'))
            {
                throw new ArgumentException("Not a plain file name: " + name, nameof(name));
            }
        }

        return Path.Combine(_directory, name);
    }
}
