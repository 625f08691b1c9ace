namespace Fixtures
{
    public static class Filter
    {
        public static object NonZero(byte[] bytes)
        {
            return from b in bytes where b != 0 select b;
        }
    }
}
