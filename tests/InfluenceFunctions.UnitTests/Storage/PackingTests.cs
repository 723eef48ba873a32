using Azure.Data.Tables;
using InfluenceFunctions.Api;
using InfluenceFunctions.Domain;
using InfluenceFunctions.Scoring;
using InfluenceFunctions.Storage;

namespace InfluenceFunctions.UnitTests.Storage;

public sealed class PackingTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 27);

    [Fact]
    public void ShouldRoundTripADailySeriesAndPlaceDaysInTheWindow()
    {
        var series = PackedSeries.Empty();
        series.Set(AsOf.DayNumber, Signals(7));
        series.Set(AsOf.DayNumber - 10, Signals(3));
        var decoded = PackedSeries.Decode(series.Encode());

        var window = decoded.ToWindow("twitter", AsOf);
        Assert.Equal(7, window[ScoringWindow.Days - 1, SignalKind.Posts]);
        Assert.Equal(3, window[ScoringWindow.Days - 11, SignalKind.Posts]);
        Assert.True(float.IsNaN(window[ScoringWindow.Days - 5, SignalKind.Posts]), "a day with no data stays NaN, not zero");
        Assert.True(float.IsNaN(window[ScoringWindow.Days - 1, SignalKind.ListMemberships]));
    }

    [Fact]
    public void ShouldReplaceADayRatherThanAddToIt()
    {
        var series = PackedSeries.Empty();
        series.Set(AsOf.DayNumber, Signals(5));
        series.Set(AsOf.DayNumber, Signals(5));
        Assert.Equal(5, series.ToWindow("twitter", AsOf)[ScoringWindow.Days - 1, SignalKind.Posts]);
    }

    [Fact]
    public void ShouldKeepAtMostTheNewestMaxDays()
    {
        var series = PackedSeries.Empty();
        for (var d = 0; d < 200; d++)
        {
            series.Set(AsOf.DayNumber - d, Signals(d));
        }

        Assert.Equal(PackedSeries.MaxDays, series.DayCount);
        Assert.Equal(AsOf.DayNumber, series.LastDay);
        Assert.Equal(0, series.ToWindow("x", AsOf)[ScoringWindow.Days - 1, SignalKind.Posts]);
    }

    [Fact]
    public void ShouldDropDaysOutsideTheWindowWhenReadingEngagements()
    {
        var packed = PackedEngagements.Decode(null);
        packed.Set(42, AsOf.DayNumber, 3);
        packed.Set(42, AsOf.DayNumber - 95, 9);
        packed.Set(7, AsOf.DayNumber - 2, 1);
        packed.Set(7, AsOf.DayNumber - 2, 2); // replaces, does not add

        var window = PackedEngagements.ReadWindow(packed.Encode(), AsOf);
        Assert.Equal(2, window.Count);
        Assert.Contains(new Engagement(42, 3, 0), window);
        Assert.Contains(new Engagement(7, 2, 2), window);
    }

    [Fact]
    public void ShouldCapEngagementsDroppingTheSmallestFirst()
    {
        var packed = PackedEngagements.Decode(null);
        for (var i = 0; i < PackedEngagements.MaxEntries + 10; i++)
        {
            packed.Set((ulong)i, AsOf.DayNumber, i < 10 ? 0.5f : 5f);
        }

        var bytes = packed.Encode();
        Assert.True(bytes.Length <= 64 * 1024, "fits one binary column");
        var window = PackedEngagements.ReadWindow(bytes, AsOf);
        Assert.Equal(PackedEngagements.MaxEntries, window.Count);
        Assert.DoesNotContain(window, e => e.Count < 1);
    }

    [Fact]
    public void ShouldKeepDailyScoreHistoryInOneColumn()
    {
        byte[]? history = null;
        for (var d = 0; d < 500; d++)
        {
            history = ScoreHistory.Set(history, AsOf.AddDays(-d), (byte)(1 + (d % 100)));
        }

        Assert.Equal(1, ScoreHistory.Get(history, AsOf));
        Assert.Equal(8, ScoreHistory.Get(history, AsOf.AddDays(-7)));
        Assert.Equal(0, ScoreHistory.Get(history, AsOf.AddDays(-ScoreHistory.MaxDays - 1)));
        Assert.Equal(30, ScoreHistory.Range(history, AsOf.AddDays(-29), AsOf).Count());
        Assert.True(history!.Length <= 4 + ScoreHistory.MaxDays);
    }

    [Fact]
    public void ShouldSortNewestFirstDayKeysNewestFirst()
    {
        var keys = new[] { AsOf, AsOf.AddDays(-1), AsOf.AddDays(-400) }.Select(DayKeys.NewestFirst).ToList();
        Assert.Equal(keys, keys.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(AsOf, DayKeys.FromNewestFirst(keys[0]));
    }

    [Theory]
    [InlineData("user{0}", 16_000, 16)]
    [InlineData("user{0:D6}", 10_000, 64)]
    [InlineData("u{0:D3}", 800, 8)]
    [InlineData("{0}", 6_400, 64)]
    public void ShouldSpreadUsersEvenlyOverShards(string idFormat, int users, int shards)
    {
        var counts = new int[shards];
        for (var i = 0; i < users; i++)
        {
            counts[Shards.Of(string.Format(System.Globalization.CultureInfo.InvariantCulture, idFormat, i), shards)]++;
        }

        var expected = users / shards;
        Assert.All(counts, c => Assert.InRange(c, expected * 0.6, expected * 1.4));
    }

    // Every stored user row sits in the partition Shards.Of gives, and engagement edges and the population snapshot hold
    // UserKeys.Of: a change to either hash silently moves or orphans every stored user. So these are literals, computed
    // once from the code and checked against an independent FNV-1a + MurmurHash3-finalizer implementation. Ids are hashed
    // as UTF-8 without normalization: "josé" precomposed and decomposed are different users.
    [Theory]
    [InlineData("", 0xcbf29ce484222325UL)] // FNV-1a 64's published test vectors
    [InlineData("a", 0xaf63dc4c8601ec8cUL)]
    [InlineData("foobar", 0x85944171f73967e8UL)]
    [InlineData("alice", 5803779529149266183UL)]
    [InlineData("u001", 10168139382454727891UL)]
    [InlineData("u002", 10168140481966356102UL)]
    [InlineData("user42", 17867622135862781120UL)]
    [InlineData("jos\u00e9", 7923553029259819687UL)]
    [InlineData("jose\u0301", 3878606673526500165UL)]
    [InlineData("m\u00fcller", 2516886742094032444UL)]
    [InlineData("\u6771\u4eac", 3403600855798853039UL)]
    [InlineData("\U0001F600", 18374412943757542024UL)]
    public void ShouldKeepEveryUsersKey(string userId, ulong key)
    {
        Assert.Equal(key, UserKeys.Of(userId));
    }

    [Theory]
    [InlineData("alice", 6, 4, 52, 244)]
    [InlineData("u001", 5, 3, 35, 163)]
    [InlineData("u002", 2, 2, 2, 322)]
    [InlineData("user42", 6, 2, 26, 730)]
    [InlineData("jos\u00e9", 1, 1, 1, 641)]
    [InlineData("jose\u0301", 0, 7, 23, 663)]
    [InlineData("m\u00fcller", 1, 6, 14, 654)]
    [InlineData("\u6771\u4eac", 5, 2, 34, 290)]
    [InlineData("\U0001F600", 0, 6, 6, 902)]
    public void ShouldKeepEveryUsersShard(string userId, int of7, int of8, int of64, int of1024)
    {
        Assert.Equal([of7, of8, of64, of1024], new[] { 7, 8, 64, 1024 }.Select(shards => Shards.Of(userId, shards)));
    }

    [Fact]
    public void ShouldNameShardPartitionsWithFourDigits()
    {
        Assert.Equal("0003", Shards.Key(3));
        Assert.Equal("0052", Shards.KeyOf("alice", 64));
    }

    // The signals columns are stored bytes: int32 first day, then float32 values day by day, all little-endian, NaN for
    // "no data" (written as .NET's NaN, 0xFFC00000; any NaN reads as absent). W_{network} has 10 values a day (v1's
    // layout, unchanged), X_{network} has views and saves. Changing either layout loses every stored day.
    private const int FirstDay = 739_000;

    private const string TwoDaysOfSignals =
        "B8460B00" + "00009644" + "00004040" + "00002042" + "0000C0FF0000C0FF0000C0FF0000C0FF0000C0FF0000C0FF0000C0FF" +
        "0000C0FF" + "0000803F" + "0000C0FF0000C0FF0000C0FF0000C0FF0000C0FF0000C0FF0000C0FF0000C0FF";

    private const string TwoDaysOfViewsAndSaves = "B8460B00" + "00409C45" + "00002042" + "00000000" + "0000C0FF";

    [Fact]
    public void ShouldPackTheSignalsColumnInItsKnownByteLayout()
    {
        var series = PackedSeries.Empty();
        series.Set(FirstDay, Day(audience: 1200, posts: 3, reactions: 40));
        series.Set(FirstDay + 1, Day(posts: 1));

        Assert.Equal(TwoDaysOfSignals, Convert.ToHexString(series.Encode()));
        var decoded = PackedSeries.Decode(Convert.FromHexString(TwoDaysOfSignals));
        Assert.Equal((FirstDay, 2, ScoringWindow.SignalCount), (decoded.FirstDay, decoded.DayCount, decoded.Stride));
        Assert.Equal(series.Values, decoded.Values);
    }

    [Fact]
    public void ShouldPackViewsAndSavesInASecondColumnOfTwoValuesADay()
    {
        var series = PackedSeries.EmptyExtended();
        series.Set(FirstDay, [5000, 40]);
        series.Set(FirstDay + 1, [0, float.NaN]);

        Assert.Equal(TwoDaysOfViewsAndSaves, Convert.ToHexString(series.Encode()));
        var decoded = PackedSeries.DecodeExtended(Convert.FromHexString(TwoDaysOfViewsAndSaves));
        Assert.Equal((FirstDay, 2, ScoringWindow.ExtendedSignalCount), (decoded.FirstDay, decoded.DayCount, decoded.Stride));
        Assert.Throws<ArgumentException>(() => series.Set(FirstDay, Day(posts: 1))); // Ten values do not fit two a day.
        Assert.Throws<InvalidDataException>(() => PackedSeries.Decode(Convert.FromHexString(TwoDaysOfViewsAndSaves))); // Not a W_ column.
    }

    [Fact]
    public void ShouldReadAV1RowWithoutTheExtendedColumnAsViewsAndSavesAbsent()
    {
        // A row as every stored row was before views and saves existed: only W_twitter, in the bytes above.
        var row = new TableEntity("0001", "alice") { [SignalRows.WindowColumn("twitter")] = Convert.FromHexString(TwoDaysOfSignals) };
        var asOf = DateOnly.FromDayNumber(FirstDay + 1);

        var window = Assert.Single(SignalRows.ToScoringInput(row, asOf, null).Networks);

        Assert.Equal("twitter", window.Network);
        Assert.Equal(1, window[ScoringWindow.Days - 1, SignalKind.Posts]);
        Assert.Equal(3, window[ScoringWindow.Days - 2, SignalKind.Posts]);
        Assert.Equal(1200, window[ScoringWindow.Days - 2, SignalKind.AudienceSize]);
        Assert.True(float.IsNaN(window[ScoringWindow.Days - 1, SignalKind.AudienceSize]), "a signal not reported that day stays NaN");
        Assert.Null(window.ExtendedValues);
        Assert.True(float.IsNaN(window[ScoringWindow.Days - 1, SignalKind.Views]), "no column: views are absent, not zero");
    }

    [Fact]
    public void ShouldReadViewsAndSavesFromTheExtendedColumnIntoTheWindow()
    {
        var row = new TableEntity("0001", "alice")
        {
            [SignalRows.WindowColumn("tiktok")] = Convert.FromHexString(TwoDaysOfSignals),
            [SignalRows.ExtendedColumn("tiktok")] = Convert.FromHexString(TwoDaysOfViewsAndSaves),
            [SignalRows.WindowColumn("twitter")] = Convert.FromHexString(TwoDaysOfSignals),
        };
        var input = SignalRows.ToScoringInput(row, DateOnly.FromDayNumber(FirstDay + 1), null);

        var tiktok = input.Networks.Single(n => n.Network == "tiktok");
        Assert.Equal(5000, tiktok[ScoringWindow.Days - 2, SignalKind.Views]);
        Assert.Equal(40, tiktok[ScoringWindow.Days - 2, SignalKind.Saves]);
        Assert.Equal(0, tiktok[ScoringWindow.Days - 1, SignalKind.Views]);
        Assert.True(float.IsNaN(tiktok[ScoringWindow.Days - 1, SignalKind.Saves]));
        Assert.True(float.IsNaN(tiktok[ScoringWindow.Days - 3, SignalKind.Views]), "a day before the column's first is no data");
        Assert.Null(input.Networks.Single(n => n.Network == "twitter").ExtendedValues); // Each network has its own.
    }

    [Fact]
    public void ShouldKeepANetworkWhoseOnlyDataInTheWindowIsViews()
    {
        var signals = PackedSeries.Empty();
        signals.Set(FirstDay, Day()); // A day set with views only: nothing in the signals column.
        var views = PackedSeries.EmptyExtended();
        views.Set(FirstDay, [900, float.NaN]);
        var row = new TableEntity("0001", "alice")
        {
            [SignalRows.WindowColumn("youtube")] = signals.Encode(),
            [SignalRows.ExtendedColumn("youtube")] = views.Encode(),
        };

        var window = Assert.Single(SignalRows.ToScoringInput(row, DateOnly.FromDayNumber(FirstDay), null).Networks);
        Assert.Equal(900, window[ScoringWindow.Days - 1, SignalKind.Views]);
    }

    [Fact]
    public void ShouldNameBothColumnsOfANetworkForItsDisconnection()
    {
        Assert.Equal(["W_instagram", "X_instagram"], SignalRows.NetworkColumns("instagram"));
        Assert.Equal(["instagram"], SignalRows.ConnectedNetworks(new TableEntity("0001", "a") { ["W_instagram"] = Array.Empty<byte>(), ["X_instagram"] = Array.Empty<byte>() }));
    }

    private static float[] Day(float audience = float.NaN, float posts = float.NaN, float reactions = float.NaN)
    {
        var values = new float[ScoringWindow.SignalCount];
        Array.Fill(values, float.NaN);
        values[(int)SignalKind.AudienceSize] = audience;
        values[(int)SignalKind.Posts] = posts;
        values[(int)SignalKind.Reactions] = reactions;
        return values;
    }

    private static float[] Signals(float posts)
    {
        var values = new float[ScoringWindow.SignalCount];
        values[(int)SignalKind.Posts] = posts;
        values[(int)SignalKind.ListMemberships] = float.NaN;
        return values;
    }
}
