import Foundation

/// Softmax cross-entropy over logits (n x classes): L = -(1/N) Σ log softmax(z_b)[y_b], where N
/// is the whole batch (`normalizer`, so that workers' gradients add up to the batch gradient).
/// dL/dz = (softmax(z) - onehot(y)) / N.
enum SoftmaxCrossEntropy {
    static func evaluate(_ logits: Tensor, labels: ArraySlice<Int>, normalizer: Int) -> (loss: Float, correct: Int, gradient: Tensor) {
        let classes = logits.imageSize
        var gradient = logits
        var loss: Float = 0
        var correct = 0
        for (b, label) in labels.enumerated() {
            let row = b * classes
            var top = 0
            var maxLogit = logits.data[row]
            for j in 1..<classes where logits.data[row + j] > maxLogit { maxLogit = logits.data[row + j]; top = j }
            if top == label { correct += 1 }
            var sum: Float = 0
            for j in 0..<classes { sum += exp(logits.data[row + j] - maxLogit) }
            loss += log(sum) - (logits.data[row + label] - maxLogit)
            for j in 0..<classes {
                let p = exp(logits.data[row + j] - maxLogit) / sum
                gradient.data[row + j] = (p - (j == label ? 1 : 0)) / Float(normalizer)
            }
        }
        return (loss / Float(normalizer), correct, gradient)
    }
}
