"""A tiny BERT (2 layers, hidden 32, built from a config: nothing downloaded) fine-tuned with the
Hugging Face ``Trainer`` on synthetic token sequences, on CPU in a few seconds.

The label says whether a "keyword" token occurs in the sequence, so there is a real signal to
learn. Pass ``--doctor`` to add nndoctor's transformers callback instead of using `nndoctor run`.
"""
# expect: none
import sys
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments

VOCAB, LENGTH, KEYWORD = 64, 16, 7


class Keywords(Dataset):
    def __init__(self, n, seed):
        g = torch.Generator().manual_seed(seed)
        self.ids = torch.randint(10, VOCAB, (n, LENGTH), generator=g)
        self.labels = torch.randint(0, 2, (n,), generator=g)
        where = torch.randint(1, LENGTH, (n,), generator=g)
        rows = self.labels.nonzero().squeeze(1)
        self.ids[rows, where[rows]] = KEYWORD
        self.ids[:, 0] = 2  # a [CLS]-like first token

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"input_ids": self.ids[i], "attention_mask": torch.ones(LENGTH, dtype=torch.long),
                "labels": self.labels[i]}


def main():
    torch.manual_seed(0)
    config = BertConfig(vocab_size=VOCAB, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=LENGTH, num_labels=2)
    model = BertForSequenceClassification(config)
    callbacks = []
    if "--doctor" in sys.argv:
        from nndoctor.integrations.transformers import DoctorCallback

        callbacks.append(DoctorCallback())
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(output_dir=out, per_device_train_batch_size=32, per_device_eval_batch_size=64,
                                 num_train_epochs=4, learning_rate=5e-3, warmup_steps=5, logging_steps=10,
                                 eval_strategy="epoch", save_strategy="no", report_to=[], use_cpu=True,
                                 disable_tqdm=True, seed=0)
        trainer = Trainer(model=model, args=args, train_dataset=Keywords(512, 1), eval_dataset=Keywords(128, 2),
                          callbacks=callbacks)
        trainer.train()
        print("eval", trainer.evaluate())


if __name__ == "__main__":
    main()
