; sort, biased (length 3, only the first two out of order): order cells 0 and 1
.machine M=21 R=10
.init r0=0 r1=1
       r2 = READ r0
       r3 = READ r1
       r4 = MIN r2, r3
       r5 = MAX r2, r3
       WRITE r0, r4
       WRITE r1, r5
       STOP
