using M2M.Device.Core.Platform;

namespace M2M.Device.Core.Tests.Fakes
{
    /// <summary>A network link the test switches on and off; counts join attempts.</summary>
    public sealed class FakeNetworkLink : INetworkLink
    {
        public bool IsUp { get; set; } = true;

        /// <summary>Whether the next joins succeed.</summary>
        public bool JoinSucceeds { get; set; } = true;

        public int Joins { get; private set; }

        public bool TryConnect(int timeoutMilliseconds)
        {
            Joins++;
            IsUp = JoinSucceeds;
            return IsUp;
        }
    }
}
