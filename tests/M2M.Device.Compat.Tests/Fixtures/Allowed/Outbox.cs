using System;
using System.Collections;
using System.Text;
using System.Threading;

namespace Fixtures
{
    // What stable nanoFramework does offer: the gate must accept all of it, so that its failures mean something.
    public sealed class Outbox : IDisposable
    {
        private readonly object _sync = new object();
        private readonly Queue _pending = new Queue();
        private readonly Hashtable _byId = new Hashtable();
        private readonly ArrayList _sent = new ArrayList();
        private readonly AutoResetEvent _ready = new AutoResetEvent(false);
        private int _count;

        public event EventHandler? Drained;

        public string? LastError { get; private set; }

        public void Add(string id, byte[] payload)
        {
            lock (_sync)
            {
                _pending.Enqueue(payload);
                _byId[id] = payload;
            }

            Interlocked.Increment(ref _count);
            _ready.Set();
        }

        public string Describe(long sequence)
        {
            var builder = new StringBuilder();
            foreach (var item in _sent)
            {
                builder.Append(item.ToString());
            }

            var kind = _count switch
            {
                0 => "empty",
                1 => "one",
                _ => "many",
            };
            return $"{kind}:{sequence}:{builder}";
        }

        public bool WaitReady(int milliseconds)
        {
            return _ready.WaitOne(milliseconds, false);
        }

        public void Dispose()
        {
            using var timer = new Timer(_ => Drained?.Invoke(this, EventArgs.Empty), null, 0, Timeout.Infinite);
            LastError = null;
        }
    }
}
