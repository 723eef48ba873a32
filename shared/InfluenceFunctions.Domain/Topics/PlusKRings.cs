namespace InfluenceFunctions.Domain.Topics;

/// <summary>
/// Weights of +K by who gives it, from the whole +K graph of the window (giver -> receiver). A closed ring (a
/// strongly connected group of two or more whose members give +K only to each other) is worth
/// <see cref="RingWeight"/> a gift; a mutual pair outside such a ring <see cref="MutualWeight"/>; anything else 1.
/// Pure; iterative Tarjan, so a long chain cannot overflow the stack.
/// </summary>
public static class PlusKRings
{
    public const double RingWeight = 0.1;
    public const double MutualWeight = 0.5;

    public static Dictionary<(ulong Giver, ulong Receiver), double> Weights(IEnumerable<(ulong Giver, ulong Receiver)> gifts)
    {
        var edges = (gifts ?? []).Where(e => e.Giver != e.Receiver).Distinct().ToList();
        var outgoing = edges.GroupBy(e => e.Giver).ToDictionary(g => g.Key, g => g.Select(e => e.Receiver).Distinct().ToList());
        var component = StronglyConnectedComponents(edges.SelectMany(e => new[] { e.Giver, e.Receiver }).Distinct().Order().ToList(), outgoing);

        // A component is a closed ring when it has 2+ members and no member gives outside it.
        var sizes = component.Values.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        var open = new HashSet<int>();
        foreach (var (giver, receiver) in edges)
        {
            if (component[giver] != component[receiver])
            {
                open.Add(component[giver]);
            }
        }

        var set = edges.ToHashSet();
        var weights = new Dictionary<(ulong, ulong), double>();
        foreach (var edge in edges)
        {
            var c = component[edge.Giver];
            weights[edge] = c == component[edge.Receiver] && sizes[c] >= 2 && !open.Contains(c) ? RingWeight
                : set.Contains((edge.Receiver, edge.Giver)) ? MutualWeight
                : 1.0;
        }

        return weights;
    }

    private static Dictionary<ulong, int> StronglyConnectedComponents(List<ulong> nodes, Dictionary<ulong, List<ulong>> outgoing)
    {
        var index = new Dictionary<ulong, int>();
        var low = new Dictionary<ulong, int>();
        var onStack = new HashSet<ulong>();
        var stack = new Stack<ulong>();
        var component = new Dictionary<ulong, int>();
        var next = 0;
        var components = 0;
        foreach (var root in nodes)
        {
            if (index.ContainsKey(root))
            {
                continue;
            }

            var work = new Stack<(ulong Node, int Child)>();
            work.Push((root, 0));
            while (work.Count > 0)
            {
                var (node, child) = work.Pop();
                if (child == 0)
                {
                    index[node] = low[node] = next++;
                    stack.Push(node);
                    onStack.Add(node);
                }

                var targets = outgoing.TryGetValue(node, out var t) ? t : [];
                if (child < targets.Count)
                {
                    work.Push((node, child + 1));
                    var target = targets[child];
                    if (!index.ContainsKey(target))
                    {
                        work.Push((target, 0));
                    }
                    else if (onStack.Contains(target))
                    {
                        low[node] = Math.Min(low[node], index[target]);
                    }

                    continue;
                }

                // All children done: propagate low-link to the parent, close a component at its root.
                foreach (var target in targets.Where(onStack.Contains))
                {
                    low[node] = Math.Min(low[node], low[target]);
                }

                if (low[node] == index[node])
                {
                    ulong member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component[member] = components;
                    }
                    while (member != node);
                    components++;
                }
            }
        }

        return component;
    }
}
