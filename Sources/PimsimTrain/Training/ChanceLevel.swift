/// Whether a classifier's accuracy shows that it learned anything. Chance is 1 / classes (always
/// guessing one class of a balanced test set); an accuracy within `margin` of it, or below it,
/// means the network did not learn (e.g. a split ResNet-20 trained for too few steps).
public enum ChanceLevel {
    /// 2 percentage points: the warning band of `pimsim train` (issue 10). A policy choice, not a
    /// statistical test; on 1,000 test images one standard error of a 10 % accuracy is ~1 point.
    public static let margin = 0.02

    /// 1 / classes.
    public static func chance(classes: Int) -> Double { 1 / Double(max(classes, 1)) }

    /// True when `accuracy` (a fraction) is at most chance + `margin`.
    public static func isNearChance(_ accuracy: Double, classes: Int) -> Bool {
        accuracy <= chance(classes: classes) + margin
    }
}
