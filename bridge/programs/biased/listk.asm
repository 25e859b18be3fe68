; listk, biased (nodes contiguous and in order from cell 3, output at cell 2):
; the k-th value is at cell 2k + 2
.machine M=20 R=6
.init r1=1 r2=2
       r1 = READ r1        ; k
       r1 = ADD r1, r1
       r1 = ADD r1, r2
       r1 = READ r1
       WRITE r2, r1
       STOP
