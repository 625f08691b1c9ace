using System;

namespace Fixtures
{
    public static class Buffer
    {
        public static byte First(byte[] data)
        {
            Span<byte> view = data;
            return view[0];
        }
    }
}
