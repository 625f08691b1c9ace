namespace Fixtures
{
    public static class Topic
    {
        // CoreLibrary 1.17 has String.Contains(string) only: the char overload is .NET's.
        public static bool IsNested(string topic)
        {
            return topic.Contains('/');
        }
    }
}
