using System.Runtime.Versioning;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Storage;
using Xunit;

namespace M2M.Device.Host.Tests;

/// <summary>The host file store: only its owner can read the credential; writes replace whole files.</summary>
public sealed class HostFileStoreKeepsTheCredentialPrivateTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "m2m-store-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [SkippableFact]
    [SupportedOSPlatform("linux")]
    public void TheDirectoryAndEveryFileAreOwnerOnly()
    {
        var directory = Path.Combine(_root, "device");
        var store = new HostFileStore(directory);

        store.WriteAll("m2m-cred-a.bin", [1, 2, 3]);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "m2m-cred-a.bin")));
    }

    [SkippableFact]
    [SupportedOSPlatform("linux")]
    public void AFileThatWasWorldReadableIsTightenedWhenRewritten()
    {
        var store = new HostFileStore(_root);
        var path = Path.Combine(_root, "m2m-cred-b.bin");
        File.WriteAllBytes(path, [9]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        store.WriteAll("m2m-cred-b.bin", [4, 5]);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal([4, 5], store.ReadAll("m2m-cred-b.bin"));
    }

    [Fact]
    public void TheCredentialStoreWorksOnRealFiles()
    {
        var secret = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var store = new CredentialStore(new HostFileStore(_root));
        store.Provision(new DeviceCredential("sensor-0001", secret, "https://gateway.example/oauth2/token", "gateway.example", 8883));

        store.Rotate(new DeviceCredential("sensor-0001", secret.Reverse().ToArray(), "https://gateway.example/oauth2/token", "gateway.example", 8883));
        var read = new CredentialStore(new HostFileStore(_root)).Load();

        Assert.NotNull(read);
        Assert.Equal(secret.Reverse().ToArray(), read.Secret);
    }

    [Fact]
    public void MissingFilesReadAsNullAndDeleteIsIdempotent()
    {
        var store = new HostFileStore(_root);

        Assert.Null(store.ReadAll("m2m-epoch-a.bin"));
        Assert.False(store.Exists("m2m-epoch-a.bin"));
        store.Delete("m2m-epoch-a.bin");
    }

    [Theory]
    [InlineData("../escape.bin")]
    [InlineData("sub/file.bin")]
    [InlineData(".hidden")]
    public void NamesCannotLeaveTheDirectory(string name)
    {
        var store = new HostFileStore(_root);

        Assert.Throws<ArgumentException>(() => store.WriteAll(name, [1]));
    }
}
