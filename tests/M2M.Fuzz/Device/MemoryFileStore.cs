using M2M.Device.Core.Platform;

namespace M2M.Fuzz.Device;

/// <summary>The device's flash as a dictionary: what the fuzzer wrote into the slots, and what the core writes back.</summary>
internal sealed class MemoryFileStore : IFileStore
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public bool Exists(string name) => _files.ContainsKey(name);

    public byte[]? ReadAll(string name) => _files.TryGetValue(name, out var data) ? (byte[])data.Clone() : null;

    public void WriteAll(string name, byte[] data) => _files[name] = (byte[])data.Clone();

    public void Delete(string name) => _files.Remove(name);
}
