using System.Net;
using System.Net.Sockets;
using M2M.Testing;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// A TCP load balancer on loopback, as an operator puts in front of a cluster (docs/scaling.md,
/// "Deploying"): each connection goes to the next backend, round robin, skipping one that refuses
/// the connection (a dead node), and the bytes are copied both ways untouched (TLS passes through).
/// When either side closes, both do, so a device whose node died reconnects through it to another.
/// </summary>
public sealed class TcpLoadBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IReadOnlyList<int> _backends;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _pipes = [];
    private readonly Task _accepting;
    private int _next;

    /// <summary>Listens on <paramref name="port"/> (a free one when null) for <paramref name="backendPorts"/>.</summary>
    public TcpLoadBalancer(IReadOnlyList<int> backendPorts, int? port = null)
    {
        _backends = backendPorts;
        Port = port ?? LoopbackPort.Free();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        Task[] pipes;
        lock (_pipes)
        {
            pipes = [.. _pipes];
        }

        await Task.WhenAll(pipes).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var pipe = PipeAsync(client);
            lock (_pipes)
            {
                _pipes.RemoveAll(t => t.IsCompleted);
                _pipes.Add(pipe);
            }
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        using (client)
        {
            using var backend = await ConnectAsync().ConfigureAwait(false);
            if (backend == null)
            {
                return;
            }

            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var front = client.GetStream();
            var back = backend.GetStream();
            var up = CopyAsync(front, back, done);
            var down = CopyAsync(back, front, done);
            await Task.WhenAny(up, down).ConfigureAwait(false);
            await done.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
    }

    private async Task<TcpClient?> ConnectAsync()
    {
        for (var attempt = 0; attempt < _backends.Count; attempt++)
        {
            var port = _backends[(int)((uint)Interlocked.Increment(ref _next) % (uint)_backends.Count)];
            var backend = new TcpClient();
            try
            {
                await backend.ConnectAsync(IPAddress.Loopback, port, _stopping.Token).ConfigureAwait(false);
                return backend;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                backend.Dispose();
            }
        }

        return null;
    }

    private static async Task CopyAsync(NetworkStream from, NetworkStream to, CancellationTokenSource done)
    {
        try
        {
            await from.CopyToAsync(to, done.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            // One side closed or failed: end the other, as a proxy does, so the client learns of it.
            await done.CancelAsync().ConfigureAwait(false);
        }
    }
}
