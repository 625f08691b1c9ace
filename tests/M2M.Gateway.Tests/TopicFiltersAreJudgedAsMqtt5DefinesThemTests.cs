using M2M.Gateway.Ingress.Packets;

namespace M2M.Gateway.Tests;

/// <summary>
/// Topic Filter syntax (MQTT 5 section 4.7), by which the caller answers each filter of a
/// SUBSCRIBE (0x8F invalid, 0x9E shared): the examples of sections 4.7.1.2, 4.7.1.3 and 4.8.2.
/// </summary>
public class TopicFiltersAreJudgedAsMqtt5DefinesThemTests
{
    [Theory]
    [InlineData("#")]
    [InlineData("+")]
    [InlineData("sport/tennis/player1/#")]
    [InlineData("sport/#")]
    [InlineData("+/tennis/#")]
    [InlineData("sport/+/player1")]
    [InlineData("+/+")]
    [InlineData("/+")]
    [InlineData("/")]
    [InlineData("a//b")]
    [InlineData("Accounts payable")]
    [InlineData("$SYS/#")]
    [InlineData("$share/consumer1/sport/tennis/+")]
    [InlineData("$share/consumer1//finance")]
    [InlineData("$share/g/#")]
    public void AWellFormedFilterIsValid(string filter) => Assert.True(TopicFilters.IsValid(filter));

    [Theory]
    [InlineData("")]
    [InlineData("sport/tennis#")]
    [InlineData("sport/tennis/#/ranking")]
    [InlineData("sport+")]
    [InlineData("sport/+player1")]
    [InlineData("##")]
    [InlineData("+#")]
    [InlineData("a/b\0c")]
    [InlineData("$share/g")]
    [InlineData("$share//a")]
    [InlineData("$share/g/")]
    [InlineData("$share/g+/a")]
    [InlineData("$share/#/a")]
    public void AMalformedFilterIsInvalid(string filter) => Assert.False(TopicFilters.IsValid(filter));

    [Theory]
    [InlineData("$share/g/a", true)]
    [InlineData("$share/g", true)]
    [InlineData("$SHARE/g/a", false)]
    [InlineData("$sharex/g/a", false)]
    [InlineData("a/$share/g", false)]
    public void OnlyAFilterStartingWithShareIsShared(string filter, bool shared) => Assert.Equal(shared, TopicFilters.IsShared(filter));
}
